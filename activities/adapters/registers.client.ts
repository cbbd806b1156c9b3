/**
 * HTTP adapter over the departments' registers (issue 14): every side effect a department
 * commits for a case — police registrations, housing's residence confirmation, education's school
 * places, HR's social-insurance transfer — is written through here, with an idempotency key,
 * and comes back with the department's record id. Undo is by idempotency key, so a compensation
 * after a crash that lost the write's answer still finds (or tombstones) the record.
 *
 * Errors are sorted for Temporal's retry policy, as in department-systems.client.ts:
 *   400, 404, 409, 422        → non-retryable ApplicationFailure `RegisterWriteRejected` (our bug
 *                                or a misconfigured URL: retrying cannot help)
 *   5xx, 429, other statuses, network errors, timeouts, malformed bodies
 *                             → RegisterUnavailableError (retryable)
 * No error message ever contains a citizen ID number.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { maskIdNumbersInText } from '../../domain/masking';
import { REGISTERS, type RegisterName, type RegisterRecord } from '../../domain/registers';
import { shanghaiInstant } from '../../domain/shanghai-clock';

/** ApplicationFailure type of a write or undo the department refused outright. */
export const REGISTER_WRITE_REJECTED = 'RegisterWriteRejected';

export class RegisterUnavailableError extends Error {
  override name = 'RegisterUnavailableError';
  constructor(
    readonly register: RegisterName,
    cause: string,
    readonly status?: number,
  ) {
    super(maskIdNumbersInText(`The ${REGISTERS[register].department} register ${register} is unavailable: ${cause}`));
  }
}

/** What a write carries besides its key: the case, the item, and what the register records. */
export interface RegisterWrite {
  caseId: string;
  item: string;
  area?: string;
  idNumber?: string;
  name?: string;
  relation?: string;
  level?: string;
  school?: string;
  householdType?: string;
  collectiveHousehold?: boolean;
}

export interface RegistersClient {
  /** Writes (or finds, for a key already written) the record. */
  write(register: RegisterName, key: string, body: RegisterWrite): Promise<RegisterRecord>;
  /** Undoes the record written under `key`; `undone: false` when there was nothing (left) to undo. */
  undo(register: RegisterName, key: string): Promise<{ undone: boolean }>;
  /** The record under `key` (an HR transfer's status), or undefined when the department has none. */
  read(register: RegisterName, key: string): Promise<RegisterRecord | undefined>;
}

export interface RegistersClientOptions {
  /** The department systems' base URL (config DEPARTMENT_SYSTEMS_URL). */
  baseUrl: string;
  /** Per call, covering connect, response and body. */
  timeoutMs: number;
  /** Sent as `Authorization: Bearer`; config/config.ts departmentSystemsApiKey. */
  apiKey?: string | undefined;
}

/**
 * A register's time as an ISO instant in UTC: written with its offset, or as Beijing wall time
 * without one (a department system in the city may well answer so; read in the worker's zone it
 * would move the registration, and the social-insurance notice's date, by eight hours).
 */
const registerTime = z.string().transform((text, ctx) => {
  const at = shanghaiInstant(text);
  if (at === undefined) {
    ctx.addIssue({ code: 'custom', message: 'not a date-time' });
    return z.NEVER;
  }
  return at.toISOString();
});

const recordSchema = z.object({
  recordId: z.string().min(1).nullable(),
  idempotencyKey: z.string(),
  status: z.enum(['active', 'pending', 'completed', 'undone']),
  createdAt: registerTime,
  completedAt: registerTime.optional(),
});
const undoSchema = z.object({ undone: z.boolean() });
const problemSchema = z.object({ type: z.string().optional(), detail: z.string().optional() });

const REJECTED_STATUSES = new Set([400, 404, 409, 422]);

function toRecord(parsed: z.infer<typeof recordSchema>): RegisterRecord {
  return {
    // A tombstone (undone before written) has no record id: the empty string says "none".
    recordId: parsed.recordId ?? '',
    idempotencyKey: parsed.idempotencyKey,
    status: parsed.status,
    createdAt: parsed.createdAt,
    ...(parsed.completedAt ? { completedAt: parsed.completedAt } : {}),
  };
}

export function createRegistersClient(opts: RegistersClientOptions): RegistersClient {
  if (!Number.isInteger(opts.timeoutMs) || opts.timeoutMs < 1) {
    throw new RangeError('createRegistersClient: timeoutMs must be a positive integer');
  }
  const base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
  const urlOf = (register: RegisterName, key?: string) =>
    new URL(`registers/${REGISTERS[register].path}${key === undefined ? '' : `/${encodeURIComponent(key)}`}`, base);

  /** One call; answers status and parsed JSON, or throws the sorted error. */
  async function call(
    register: RegisterName,
    url: URL,
    init: RequestInit,
    okStatuses: number[],
  ): Promise<{ status: number; body: unknown }> {
    let status: number;
    let text: string;
    try {
      const headers = {
        ...(init.headers as Record<string, string>),
        ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
      };
      const res = await fetch(url, { ...init, headers, redirect: 'error', signal: AbortSignal.timeout(opts.timeoutMs) });
      status = res.status;
      text = await res.text();
    } catch (err) {
      const e = err as { name?: string; message?: string; cause?: { code?: string } };
      const cause =
        e?.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : (e?.cause?.code ?? e?.message ?? String(err));
      throw new RegisterUnavailableError(register, cause);
    }
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = undefined;
    }
    if (okStatuses.includes(status)) return { status, body };
    const problem = problemSchema.safeParse(body);
    const detail = maskIdNumbersInText((problem.success ? (problem.data.detail ?? '') : '').slice(0, 300) || 'no problem detail');
    if (REJECTED_STATUSES.has(status)) {
      throw ApplicationFailure.nonRetryable(
        `The ${REGISTERS[register].department} register ${register} refused the call (HTTP ${status}): ${detail}`,
        REGISTER_WRITE_REJECTED,
        { register, status, problemType: problem.success ? problem.data.type : undefined },
      );
    }
    throw new RegisterUnavailableError(register, `HTTP ${status}: ${detail}`, status);
  }

  const parse = <T>(register: RegisterName, schema: z.ZodType<T>, body: unknown, status: number): T => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new RegisterUnavailableError(register, 'malformed response', status);
    return parsed.data;
  };

  return {
    async write(register, key, body) {
      const { status, body: answer } = await call(
        register,
        urlOf(register),
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
        },
        [200, 201],
      );
      return toRecord(parse(register, recordSchema, answer, status));
    },
    async undo(register, key) {
      const { status, body } = await call(
        register,
        urlOf(register, key),
        { method: 'DELETE', headers: { accept: 'application/json' } },
        [200],
      );
      return parse(register, undoSchema, body, status);
    },
    async read(register, key) {
      const url = urlOf(register, key);
      let result: { status: number; body: unknown };
      try {
        result = await call(register, url, { headers: { accept: 'application/json' } }, [200]);
      } catch (err) {
        // Only "no record under this key" means none; any other 404 is a wrong URL, and stays an error.
        const details =
          err instanceof ApplicationFailure ? (err.details?.[0] as { problemType?: string } | undefined) : undefined;
        if (details?.problemType?.endsWith('/record-not-found')) return undefined;
        throw err;
      }
      return toRecord(parse(register, recordSchema, result.body, result.status));
    },
  };
}
