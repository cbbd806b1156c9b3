/**
 * Writes the access record of a view (issue 15 part 3, 查询留痕): called by the application
 * layer's queries themselves, so the JSON API, the web pages and the codec server share it and
 * no door can forget it. The record is written before the data is returned: a read that cannot
 * be recorded is not served.
 *
 * Appending keeps the day's chain linear with several API processes and no transactions
 * (FerretDB v1): read the day's last record, insert `<day>:<seq + 1>` carrying its hash; the
 * unique `_id` lets exactly one appender take each place, and a loser re-reads the tail and tries
 * again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { shanghaiDay } from '../../domain/shanghai-clock';
import { accessRecordModel, type AccessRecordDoc } from '../../models/access-record.model';
import { isDuplicateKey } from '../../models/duplicate-key';
import type { Actor, ApplicantActor } from '../actor';
import type { AppDeps } from '../deps';
import { accessRecordHash, accessRecordId, GENESIS_HASH } from './chain';

/** What was viewed (README "Access records"). */
export const ACCESS_VIEWS = [
  'officer_case',
  'supervisor_case',
  'timeline',
  'audit_trail',
  'audit_csv',
  'notices',
  'officer_inbox',
  'school_waitlist',
  'stuck_cases',
  'temporal_payloads',
] as const;
export type AccessView = (typeof ACCESS_VIEWS)[number];

export const ACCESS_DOORS = ['api', 'web', 'codec'] as const;
export const PURPOSE_MAX = 200;

/** Who may leave access records: everyone but applicants, whose reads of their own cases are not recorded. */
export type StaffActor = Exclude<Actor, ApplicantActor>;

/** What the door adds to a record: how the person came, why (when they said), which request. */
export interface AccessContext {
  via?: (typeof ACCESS_DOORS)[number];
  purpose?: string;
  requestId?: string;
}

const MAX_ATTEMPTS = 200;

/** A stated purpose as stored: trimmed, control characters removed, at most PURPOSE_MAX characters. */
export function cleanPurpose(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return text ? text.slice(0, PURPOSE_MAX) : undefined;
}

export async function recordAccess(
  deps: Pick<AppDeps, 'mongo'>,
  input: { actor: StaffActor; view: AccessView; caseIds: readonly string[]; access?: AccessContext; now?: Date },
): Promise<AccessRecordDoc> {
  const records = accessRecordModel(deps.mongo);
  const at = (input.now ?? new Date()).toISOString();
  const day = shanghaiDay(at);
  const { actor } = input;
  const purpose = cleanPurpose(input.access?.purpose);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const tail = await records.findOne({ day }).sort({ seq: -1 }).select({ seq: 1, hash: 1 }).lean();
    const seq = (tail?.seq ?? 0) + 1;
    const body: Omit<AccessRecordDoc, 'hash'> = {
      _id: accessRecordId(day, seq),
      day,
      seq,
      at,
      actor: { sub: actor.sub, role: actor.role, ...(actor.role === 'officer' ? { department: actor.department } : {}) },
      view: input.view,
      caseIds: [...input.caseIds],
      ...(purpose ? { purpose } : {}),
      ...(input.access?.via ? { via: input.access.via } : {}),
      ...(input.access?.requestId ? { requestId: input.access.requestId } : {}),
      prevHash: tail?.hash ?? GENESIS_HASH,
    };
    const doc: AccessRecordDoc = { ...body, hash: accessRecordHash(body) };
    try {
      await records.create(doc);
      return doc;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Another appender took this place: spread the retries of a crowd a little.
      if (attempt > 2) await sleep(Math.floor(Math.random() * Math.min(attempt, 20)));
    }
  }
  throw new Error(`access record not appended after ${MAX_ATTEMPTS} attempts (day ${day})`);
}
