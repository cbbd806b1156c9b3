/**
 * HTTP adapter over the department information systems (§8–9): one lookup per department and
 * person, answering the typed CheckResult of domain/department-checks.ts.
 *
 * Errors are sorted for Temporal's retry policy:
 *   404 person-not-found      → `{ found: false }` (an answer, not an error)
 *   400                       → non-retryable ApplicationFailure `DepartmentSystemRejected`
 *   5xx, other statuses, network errors, timeouts, malformed bodies
 *                             → DepartmentSystemUnavailableError (retryable)
 * Nothing the system sends is trusted: bodies are validated, and no error message ever
 * contains a citizen ID number. The ID number goes in a POST body, never in the URL (URLs are
 * written to access logs, proxies and traces), with the caller's API key as a Bearer token.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { CheckResultFor } from '../../domain/department-checks';
import { EDUCATION_LEVELS, PROFESSIONAL_TITLES, RESIDENCE_KINDS, VOCATIONAL_SKILLS } from '../../domain/department-checks';
import { maskIdNumbersInText } from '../../domain/masking';
import { DEPARTMENTS, type Department } from '../../domain/vocabulary';

/**
 * Problem type slug (RFC 9457 `type` ends with `/person-not-found`) that a system sends when
 * it has no record of the person. Any other 404 means a wrong URL, not an unknown person: it
 * must not read as "identity does not match".
 */
export const PERSON_NOT_FOUND_PROBLEM = 'person-not-found';

/** ApplicationFailure type of a lookup the system refused as malformed (HTTP 400). */
export const DEPARTMENT_SYSTEM_REJECTED = 'DepartmentSystemRejected';

export type CheckLookup<D extends Department> = { found: true; result: CheckResultFor<D> } | { found: false };

export type UnavailableReason = 'timeout' | 'network' | 'http_status' | 'malformed_response';

/** The system could not answer now; Temporal retries the activity (the error is not marked non-retryable). */
export class DepartmentSystemUnavailableError extends Error {
  override name = 'DepartmentSystemUnavailableError';
  constructor(
    readonly department: Department,
    readonly reason: UnavailableReason,
    cause: string,
    /** HTTP status, when the system answered at all. */
    readonly status?: number,
  ) {
    // The supervisor's pages word this message by its shape (web/pages/incident-text.ts
    // systemErrorWords): the workflow keeps only the message. Its test builds it with this class.
    super(maskIdNumbersInText(`The ${department} information system is unavailable (${reason}): ${cause}`));
  }
}

export interface DepartmentSystemsClientOptions {
  /** e.g. config DEPARTMENT_SYSTEMS_URL, `http://127.0.0.1:3100`. */
  baseUrl: string;
  /** Per lookup, covering connect, response and body. */
  timeoutMs: number;
  /** Sent as `Authorization: Bearer`; config/config.ts departmentSystemsApiKey. */
  apiKey?: string | undefined;
}

export interface CheckOptions {
  /** Aborts the lookup early, e.g. the activity's cancellation signal; its reason is rethrown as is. */
  signal?: AbortSignal;
}

export interface DepartmentSystemsClient {
  check<D extends Department>(department: D, idNumber: string, area: string, options?: CheckOptions): Promise<CheckLookup<D>>;
}

// --- Response schemas: `z.object` strips unknown fields, so callers get exactly the typed shape.

const years = z.number().nonnegative();
const optionalText = z.string().max(500).optional();
const RESULT_SCHEMAS: { [D in Department]: z.ZodType<CheckResultFor<D>> } = {
  police: z.object({
    department: z.literal('police'),
    identityMatches: z.boolean(),
    criminalRecord: z.boolean(),
    creditGood: z.boolean(),
    continuousResidenceYears: years,
    registeredBy: optionalText,
  }),
  hrss: z.object({
    department: z.literal('hrss'),
    employed: z.boolean(),
    employer: optionalText,
    socialInsuranceYears: years,
    professionalTitle: z.enum(PROFESSIONAL_TITLES),
    vocationalSkill: z.enum(VOCATIONAL_SKILLS),
  }),
  housing: z.object({
    department: z.literal('housing'),
    residence: z.enum(RESIDENCE_KINDS),
    addressArea: optionalText,
  }),
  education: z.object({
    department: z.literal('education'),
    educationLevel: z.enum(EDUCATION_LEVELS),
  }),
};

const problemBody = z.object({ type: z.string().optional(), detail: z.string().optional() });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A short, masked description of a problem body for error messages. */
function describeProblem(text: string): { type?: string; detail: string } {
  const parsed = problemBody.safeParse(parseJson(text));
  const type = parsed.success ? parsed.data.type : undefined;
  const detail = parsed.success && parsed.data.detail ? parsed.data.detail : 'no problem detail';
  return { type, detail: maskIdNumbersInText(detail.slice(0, 300)) };
}

function describeFetchError(err: unknown): { reason: UnavailableReason; cause: string } {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return { reason: 'timeout', cause: 'no answer within the timeout' };
  // undici reports "fetch failed" with the socket error as cause (ECONNREFUSED, ECONNRESET, …).
  const cause = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
  return { reason: 'network', cause };
}

export function createDepartmentSystemsClient(opts: DepartmentSystemsClientOptions): DepartmentSystemsClient {
  if (!Number.isInteger(opts.timeoutMs) || opts.timeoutMs < 1) {
    throw new RangeError('createDepartmentSystemsClient: timeoutMs must be a positive integer');
  }
  const base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);

  return {
    async check<D extends Department>(
      department: D,
      idNumber: string,
      area: string,
      options: CheckOptions = {},
    ): Promise<CheckLookup<D>> {
      if (!DEPARTMENTS.includes(department)) {
        throw ApplicationFailure.nonRetryable(`Unknown department ${String(department)}`, DEPARTMENT_SYSTEM_REJECTED);
      }
      const url = new URL(`systems/${department}/lookups`, base);
      // Only education needs the area (school places); the others ignore it.
      const body = JSON.stringify({ idNumber, ...(area ? { area } : {}) });
      const timeout = AbortSignal.timeout(opts.timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;

      let status: number;
      let text: string;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            accept: 'application/json',
            'content-type': 'application/json',
            ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
          },
          body,
          redirect: 'error',
          signal,
        });
        status = res.status;
        // Read inside the try: the timeout covers a body that trickles in, too.
        text = await res.text();
      } catch (err) {
        if (options.signal?.aborted) throw options.signal.reason;
        const { reason, cause } = describeFetchError(err);
        throw new DepartmentSystemUnavailableError(
          department,
          reason,
          reason === 'timeout' ? `${cause} (${opts.timeoutMs} ms)` : cause,
        );
      }

      if (status === 200) {
        const parsed = RESULT_SCHEMAS[department].safeParse(parseJson(text));
        if (!parsed.success) {
          const where = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
          throw new DepartmentSystemUnavailableError(department, 'malformed_response', where.join('; '), status);
        }
        return { found: true, result: parsed.data };
      }

      const problem = describeProblem(text);
      if (status === 404 && problem.type?.endsWith(`/${PERSON_NOT_FOUND_PROBLEM}`)) return { found: false };
      if (status === 400) {
        throw ApplicationFailure.nonRetryable(
          `The ${department} information system rejected the lookup: ${problem.detail}`,
          DEPARTMENT_SYSTEM_REJECTED,
          { department, status, problemType: problem.type },
        );
      }
      const hint =
        status === 404
          ? ' (no such endpoint: check the department systems URL)'
          : status === 401 || status === 403
            ? ' (the API key was refused: check DEPARTMENT_SYSTEMS_API_KEY)'
            : '';
      throw new DepartmentSystemUnavailableError(department, 'http_status', `HTTP ${status}${hint}: ${problem.detail}`, status);
    },
  };
}
