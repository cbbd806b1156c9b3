/**
 * A case's compensation ledger, read from its audit trail: what was committed (reserved or
 * registered), what was refused, what was undone and in which order, and every failed attempt to
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
  why?: string;
  round?: number;
}

const kindOf = (e: AuditEventView): LedgerKind | undefined => {
  if (e.type === 'commit') return e.what.includes(' refused') ? 'refused' : 'committed';
  if (e.type === 'compensation') return 'undone';
  if (e.type === 'compensation_failed') return 'undo_failed';
  if (e.type === 'commit_failed') return 'commit_failed';
  return undefined;
};

/**
 * `release school_place failed` / `school_place released` / `quota_slot reserved` /
 * `quota_slot:applicant refused` → the kind; settling registers the household.
 */
const itemOf = (what: string): string =>
  what.startsWith('household registered') ? 'household_registration' : (what.replace(/^release /, '').split(/[ :]/)[0] ?? what);

export function compensationLedger(events: readonly AuditEventView[]): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  for (const e of events) {
    const kind = kindOf(e);
    if (!kind) continue;
    const pool = typeof e.data?.pool === 'string' ? e.data.pool : undefined;
    const round = typeof e.data?.round === 'number' ? e.data.round : undefined;
    entries.push({
      n: entries.length + 1,
      kind,
      at: e.at,
      ...(e.department ? { department: e.department } : {}),
      item: itemOf(e.what),
      ...(pool ? { pool } : {}),
      ...(e.why ? { why: e.why } : {}),
      ...(round ? { round } : {}),
    });
  }
  return entries;
}
