/**
 * The simulated department information systems (§8–9) over HTTP, plus a fault-injection admin
 * API so tests can make a department slow or failing on demand. Builds the Express app only:
 * tools/simulator/main.ts connects, seeds and listens.
 *
 *   GET    /healthz
 *   POST   /systems/:department/lookups  { idNumber, area?: <district|town> }   → the department's CheckResult
 *   …      /registers/…  the departments' registers, written by our cases (registers.ts)
 *   …      /sms/…        the SMS gateway (sms-gateway.ts)
 *   GET    /__faults     fault rules and per-department counters
 *   PUT    /__faults     { department?: Department | '*', operation?: lookup|write|undo|'*', failNext?, failureRate?, delayMs?, status? }
 *   DELETE /__faults     clears every rule and resets the counters
 *
 * Lookups, registers and the SMS gateway ask for a Bearer API key (one per caller, `apiKeys`), as
 * the departments' real systems would. The ID number travels in the body, never in the URL:
 * URLs end up in access logs, proxies and traces (issue 15 §6). The fault endpoints (`/__faults`,
 * `/__sms/faults`, `/__sms/messages`) exist only when `faultInjection` is on, which main.ts
 * allows in development and test and never in production.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type Express, type RequestHandler, type Response } from 'express';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { PERSON_NOT_FOUND_PROBLEM } from '../../activities/adapters/department-systems.client';
import { createErrorHandler, HttpProblem, notFoundHandler } from '../../api/problem';
import { DepartmentProblem, simulatorProblemTypeUri } from './problems';
import { parseOrThrow } from '../../api/validation';
import { createLogger, type Logger } from '../../config/logger';
import type { CheckResult } from '../../domain/department-checks';
import { validateIdNumber } from '../../domain/id-number';
import { DEPARTMENTS, type Department } from '../../domain/vocabulary';
import { departmentRecordModel, SIMULATOR_AREAS, type DepartmentRecord } from './records.model';
import { createRegisterRouter, type RegisterSettings } from './registers';
import { loadSmsTemplates } from '../../policy/sms-templates';
import { createSmsGateway, type SmsGatewayOptions } from './sms-gateway';

export interface SimulatorDeps {
  conn: Connection;
  logger?: Logger;
  /** The registers' HR transfer delay and completion callback; default 5 s and no callback. */
  registers?: RegisterSettings;
  /** The SMS gateway's receipts (issue 14): where they are posted and how they are signed. */
  sms?: Partial<Omit<SmsGatewayOptions, 'conn' | 'logger' | 'faultInjection' | 'authenticate'>>;
  /** The Bearer keys callers may present (at least one): config/config.ts simulatorApiKeys. */
  apiKeys: readonly string[];
  /** Serve the fault-injection and inspection endpoints: development and test only. */
  faultInjection: boolean;
}

/**
 * Accepts `Authorization: Bearer <one of keys>`. Keys are compared as SHA-256 digests in constant
 * time, so neither their content nor their length leaks through timing.
 */
export function requireApiKey(keys: readonly string[]): RequestHandler {
  if (keys.length === 0) throw new Error('the simulator needs at least one API key');
  const digest = (v: string) => createHash('sha256').update(v).digest();
  const expected = keys.map(digest);
  return (req, _res, next) => {
    const m = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    const given = digest(m?.[1] ?? '');
    // Every key is compared (no early exit), so the time does not tell which one matched.
    const ok = expected.reduce((found, k) => timingSafeEqual(k, given) || found, false);
    if (!m || !ok)
      throw new HttpProblem(
        401,
        'unauthorized',
        'An API key is required (Authorization: Bearer <key>)',
        {},
        { 'WWW-Authenticate': 'Bearer' },
      );
    next();
  };
}

// ---------------------------------------------------------------------------------------------
// Fault injection: in memory, per app instance.

type FaultTarget = Department | '*';
/** Which calls a rule matches: lookups (the default, as before registers existed), register writes or undos. */
const FAULT_OPERATIONS = ['lookup', 'write', 'undo'] as const;
type FaultOperation = (typeof FAULT_OPERATIONS)[number];

interface FaultRule {
  /** The next N matching lookups answer 503. */
  failNext: number;
  /** 0..1; deterministic: lookup n fails when ⌊n·rate⌋ grows, e.g. 0.5 fails every 2nd lookup. */
  failureRate: number;
  /** Latency added to every matching lookup. */
  delayMs: number;
  /**
   * What a failing register write or undo answers: 503 (unavailable, retried) by default, or a
   * refusal retrying cannot change (400, 404, 409, 422). Lookups always answer 503.
   */
  status: number;
  /** Lookups this rule has seen since it was set. */
  matched: number;
}

interface DepartmentCounters {
  /** Every lookup received for the department. */
  requests: number;
  ok: number;
  notFound: number;
  /** Answered 400 (malformed ID number or area). */
  rejected: number;
  /** Answered 503 by an injected fault. */
  failed: number;
  /** The client gave up (e.g. timed out) before the answer was ready. */
  abandoned: number;
}

const faultRuleInput = z.strictObject({
  department: z.enum([...DEPARTMENTS, '*']).default('*'),
  operation: z.enum([...FAULT_OPERATIONS, '*']).default('lookup'),
  failNext: z.int().min(0).max(10_000).default(0),
  failureRate: z.number().min(0).max(1).default(0),
  delayMs: z.int().min(0).max(60_000).default(0),
  status: z.union([z.literal(503), z.literal(400), z.literal(404), z.literal(409), z.literal(422)]).default(503),
});

class FaultInjector {
  /** Keyed `<department>|<operation>`. */
  private readonly rules = new Map<string, FaultRule>();
  private counters = FaultInjector.zeroCounters();

  private static zeroCounters(): Record<Department, DepartmentCounters> {
    const zero = (): DepartmentCounters => ({ requests: 0, ok: 0, notFound: 0, rejected: 0, failed: 0, abandoned: 0 });
    return { police: zero(), hrss: zero(), housing: zero(), education: zero() };
  }

  /** Replaces the rule for one target; fields not given are zero. */
  set(input: z.infer<typeof faultRuleInput>): void {
    const { department, operation, ...rule } = input;
    this.rules.set(`${department}|${operation}`, { ...rule, matched: 0 });
  }

  reset(): void {
    this.rules.clear();
    this.counters = FaultInjector.zeroCounters();
  }

  count(department: Department): DepartmentCounters {
    return this.counters[department];
  }

  /** What to do with the next call: the most specific rule wins (department before '*', then operation before '*'). */
  next(department: Department, operation: FaultOperation = 'lookup'): { delayMs: number; fail: boolean; status: number } {
    const targets: FaultTarget[] = [department, '*'];
    const rule = targets
      .flatMap((t) => [this.rules.get(`${t}|${operation}`), this.rules.get(`${t}|*`)])
      .find((r) => r !== undefined);
    if (!rule) return { delayMs: 0, fail: false, status: 503 };
    rule.matched++;
    let fail = false;
    if (rule.failNext > 0) {
      rule.failNext--;
      fail = true;
    } else if (rule.failureRate > 0) {
      // The epsilon keeps float products such as 100 × 0.29 = 28.999… on the intended count.
      const due = (n: number) => Math.floor(n * rule.failureRate + 1e-9);
      fail = due(rule.matched) > due(rule.matched - 1);
    }
    return { delayMs: rule.delayMs, fail, status: rule.status };
  }

  view() {
    return {
      faults: [...this.rules].map(([key, rule]) => {
        const [department, operation] = key.split('|');
        return { department, operation, ...rule };
      }),
      counters: structuredClone(this.counters),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Lookups

// An empty area counts as not given: only education needs an area. The ID number is checked
// after the fault rules (below), as when it was part of the URL.
const lookupBody = z.strictObject({
  idNumber: z.string().max(64),
  area: z.preprocess((v) => (v === '' ? undefined : v), z.enum(SIMULATOR_AREAS).optional()),
});

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Resolves after `ms`, or as soon as the client goes away; tells which happened. */
function pause(ms: number, res: Response): Promise<'elapsed' | 'client_gone'> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve('client_gone');
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve('elapsed');
    }, ms);
    res.once('close', onClose);
  });
}

/** Maps the stored record to exactly the CheckResult shape (no _id, no nulls, nothing extra). */
function toCheckResult(department: Department, record: DepartmentRecord): CheckResult | undefined {
  switch (department) {
    case 'police': {
      const r = record.police;
      if (!r) return undefined;
      return {
        department,
        identityMatches: r.identityMatches,
        criminalRecord: r.criminalRecord,
        creditGood: r.creditGood,
        continuousResidenceYears: r.continuousResidenceYears,
        ...(r.registeredBy ? { registeredBy: r.registeredBy } : {}),
      };
    }
    case 'hrss': {
      const r = record.hrss;
      if (!r) return undefined;
      return {
        department,
        employed: r.employed,
        ...(r.employer ? { employer: r.employer } : {}),
        socialInsuranceYears: r.socialInsuranceYears,
        professionalTitle: r.professionalTitle,
        vocationalSkill: r.vocationalSkill,
      };
    }
    case 'housing': {
      const r = record.housing;
      if (!r) return undefined;
      return { department, residence: r.residence, ...(r.addressArea ? { addressArea: r.addressArea } : {}) };
    }
    case 'education': {
      const r = record.education;
      if (!r) return undefined;
      return { department, educationLevel: r.educationLevel };
    }
  }
}

export function createSimulatorApp(deps: SimulatorDeps): Express {
  const logger = deps.logger ?? createLogger({ level: 'silent', name: 'department-systems-simulator' });
  const records = departmentRecordModel(deps.conn);
  const faults = new FaultInjector();

  const lookup: RequestHandler<{ department: string }> = async (req, res) => {
    const department = DEPARTMENTS.find((d) => d === req.params.department);
    if (!department) {
      throw new DepartmentProblem(400, 'unknown-department', `Unknown department; expected one of ${DEPARTMENTS.join(', ')}`);
    }
    const counters = faults.count(department);
    counters.requests++;

    const fault = faults.next(department);
    if (fault.delayMs > 0 && (await pause(fault.delayMs, res)) === 'client_gone') {
      counters.abandoned++;
      return;
    }
    if (fault.fail) {
      counters.failed++;
      res.setHeader('Retry-After', '1');
      throw new DepartmentProblem(503, 'injected-fault', `The ${department} information system is unavailable (injected fault)`);
    }

    let query: z.infer<typeof lookupBody>;
    try {
      query = parseOrThrow(lookupBody, req.body, 'body');
    } catch (err) {
      counters.rejected++;
      throw err;
    }
    const id = validateIdNumber(query.idNumber, { today: today() });
    if (!id.ok) {
      counters.rejected++;
      throw new DepartmentProblem(400, 'invalid-id-number', id.message, { reason: id.reason });
    }
    if (department === 'education' && !query.area) {
      counters.rejected++;
      throw new HttpProblem(400, 'validation-error', 'The education system answers for one inflow area: it needs an area', {
        invalidParams: [{ path: '/area', message: 'required for education' }],
      });
    }

    const record = await records.findById(id.value).lean();
    const result = record ? toCheckResult(department, record) : undefined;
    if (!result) {
      counters.notFound++;
      throw new DepartmentProblem(
        404,
        PERSON_NOT_FOUND_PROBLEM,
        `The ${department} information system has no record of this person`,
      );
    }
    counters.ok++;
    logger.debug({ department, area: query.area }, 'department lookup answered');
    res.json(result);
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use((req, res, next) => {
    req.id = randomUUID();
    res.setHeader('X-Request-Id', req.id);
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'up' });
  });
  const authenticated = requireApiKey(deps.apiKeys);
  app.post('/systems/:department/lookups', authenticated, express.json({ limit: '4kb', strict: true }), lookup);
  app.use(
    '/registers',
    authenticated,
    createRegisterRouter({
      conn: deps.conn,
      logger,
      settings: deps.registers ?? { transferDelayMs: 5000 },
      fault: (d, op) => faults.next(d, op),
    }),
  );

  if (deps.faultInjection) {
    app.get('/__faults', (_req, res) => {
      res.json(faults.view());
    });
    app.put('/__faults', express.json({ limit: '4kb', strict: true }), (req, res) => {
      faults.set(parseOrThrow(faultRuleInput, req.body, 'body'));
      logger.info({ faults: faults.view().faults }, 'fault injection changed');
      res.json(faults.view());
    });
    app.delete('/__faults', (_req, res) => {
      faults.reset();
      res.json(faults.view());
    });
  }

  app.use(
    createSmsGateway({
      conn: deps.conn,
      logger,
      approved: () => loadSmsTemplates(),
      ...deps.sms,
      faultInjection: deps.faultInjection,
      authenticate: authenticated,
    }),
  );

  app.use(notFoundHandler);
  app.use(createErrorHandler(logger, simulatorProblemTypeUri));
  return app;
}
