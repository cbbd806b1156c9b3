/**
 * A case's compensation ledger, read from its audit trail: what was committed (reserved,
 * registered, or a school place an education officer assigned), what was refused, what was undone and in which order, and every failed attempt to
 * commit or undo (with its round) before the retry that succeeded. In the trail's order, each entry
 * numbered, so "undone in reverse order of commit" can be read off the page.
 */
import type { AuditEventView } from './audit-views';

export type LedgerKind = 'committed' | 'refused' | 'undone' | 'undo_failed' | 'commit_failed';

export interface LedgerEntry {
  n: number;
  kind: LedgerKind;
  at: string;
  department?: string;
  /** The reservation kind (quota_slot, school_place, …) or household_registration. */
  item: string;
  pool?: string;
  /** A school an education officer assigned a waiting child to (no pool: the school itself). */
  school?: string;
  /** The child a school place is for, by index in the application (a family may hold several). */
  personIndex?: number;
  why?: string;
  round?: number;
}

/** An education officer placing a waiting child at a named school: written to its register as a reservation is. */
const ASSIGNED_PLACE = /^child (\d+) placed at a school elsewhere in the area$/;
/** A school place is held for `child-<index>` (from the area's pool) or `assigned-child-<index>` (saga.ts). */
const CHILD_ITEM = /^(?:assigned-)?child-(\d+)$/;

/** The child an entry is about: the assigned place's line names it, a pool's place its item. */
function childOf(e: AuditEventView): number | undefined {
  const found = ASSIGNED_PLACE.exec(e.what) ?? (typeof e.data?.item === 'string' ? CHILD_ITEM.exec(e.data.item) : null);
  return found ? Number(found[1]) : undefined;
}

const kindOf = (e: AuditEventView): LedgerKind | undefined => {
  if (e.type === 'commit') return e.what.includes(' refused') ? 'refused' : 'committed';
  if (e.type === 'compensation') return 'undone';
  if (e.type === 'compensation_failed') return 'undo_failed';
  if (e.type === 'commit_failed') return 'commit_failed';
  if (e.type === 'school_place_confirmed' && ASSIGNED_PLACE.test(e.what)) return 'committed';
  return undefined;
};

/**
 * `release school_place failed` / `school_place released` / `quota_slot reserved` /
 * `quota_slot:applicant refused` → the kind; settling registers the household.
 */
const itemOf = (what: string): string =>
  what.startsWith('household registered')
    ? 'household_registration'
    : ASSIGNED_PLACE.test(what)
      ? 'school_place'
      : (what.replace(/^release /, '').split(/[ :]/)[0] ?? what);

export function compensationLedger(events: readonly AuditEventView[]): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  for (const e of events) {
    const kind = kindOf(e);
    if (!kind) continue;
    const pool = typeof e.data?.pool === 'string' ? e.data.pool : undefined;
    const school = typeof e.data?.school === 'string' ? e.data.school : undefined;
    const round = typeof e.data?.round === 'number' ? e.data.round : undefined;
    const personIndex = childOf(e);
    entries.push({
      n: entries.length + 1,
      kind,
      at: e.at,
      ...(e.department ? { department: e.department } : {}),
      item: itemOf(e.what),
      ...(pool ? { pool } : {}),
      ...(school ? { school } : {}),
      ...(personIndex !== undefined ? { personIndex } : {}),
      ...(e.why ? { why: e.why } : {}),
      ...(round ? { round } : {}),
    });
  }
  return entries;
}
