/**
 * A case's audit trail as the supervisor's case page shows it (issue 11): each line's actor by
 * name, its "what" in the reader's words. Shared by the page's timeline and its CSV export, so
 * the file a supervisor hands upward says what the page says.
 */
import type { Request, Response } from 'express';
import type { AppDeps } from '../../../app/deps';
import { knownOfficers, staffNames, type KnownOfficer } from '../../../app/officer-directory';
import { auditTrail } from '../../../app/queries/audit-trail';
import type { AccessContext } from '../../../app/access-records/record-access';
import type { AuditEventView } from '../../../app/views/audit-views';
import type { SupervisorCaseView } from '../../../app/views/case-views';
import { compensationLedger, type LedgerEntry } from '../../../app/views/compensation-ledger';
import { csvDocument } from '../../../app/csv';
import { LIST_SEPARATOR, shanghaiDate, shanghaiDateTime } from '../../../i18n/formats';
import type { Locale } from '../../../domain/vocabulary';
import { label } from '../../../i18n/labels';
import { isSystemNote } from '../../../domain/case-rules';
import { REJECTION_REASONS } from '../../../domain/codes';
import { auditWhat } from '../audit-what';
import { isProblemCode, PROBLEMS } from '../../../app/problem-codes';
import { systemErrorWords } from '../incident-text';
import { holderName, namedOfficer } from '../officer-names';
import { actorOf, tr } from '../page';
import { caseIdOf } from '../officer/case';

export interface TimelineRow extends AuditEventView {
  actorText: string;
  what: string;
  /** The "what" as the workflow recorded it (English), not worded for the reader. */
  whatRecorded: boolean;
}

/** The names the timeline needs: officers the service knows, supervisors by the name they signed in with. */
export async function timelineNames(deps: AppDeps, items: readonly AuditEventView[]) {
  const [officers, staff] = await Promise.all([
    knownOfficers(deps),
    staffNames(
      deps,
      items.filter((e) => e.actor.role === 'supervisor' && e.actor.id).map((e) => e.actor.id!),
    ),
  ]);
  return { officers, staff };
}

/**
 * A refusal's reasons are kept as codes (one, or a comma list on the case's own refusal line);
 * the page, the file and the compensation ledger say them in words, and the system's own notes
 * (domain/case-rules.ts SYSTEM_NOTES) too. Anything else is an officer's or supervisor's own text.
 */
function reasonWords(why: string, locale: Locale): string {
  if (isSystemNote(why)) return label('systemNote', why, locale);
  const codes = why.split(',');
  if (!codes.every((c) => (REJECTION_REASONS as readonly string[]).includes(c))) return why;
  return codes.map((c) => label('rejectionReason', c, locale)).join(LIST_SEPARATOR[locale]);
}

/**
 * A pool's key (domain/capacity.ts poolKey) as the ledger's reader needs it: the item column
 * already names the kind, so this says where (and which level or year). A pool without a
 * capacity (a provisional registration) is no place: nothing to say.
 */
export function poolWhere(pool: string, locale: Locale): string {
  const [kind, area, part] = pool.split(':');
  if (!area) return '—';
  try {
    const where = label('area', area, locale);
    if (kind === 'school' && part) return `${where} · ${label('schoolLevel', part, locale)}`;
    if (kind === 'quota' && part) return `${where} · ${locale === 'zh-CN' ? `${part}年` : part}`;
    return where;
  } catch {
    return pool; // a key of another shape (an older pool): as recorded
  }
}

/**
 * The compensation ledger as the page shows it: a refused reservation's reason and its pool in
 * words, a school place's child by name (`persons`: the application's people by index).
 */
export function ledgerRows(
  items: readonly AuditEventView[],
  locale: Locale,
  persons: readonly string[] = [],
): Array<LedgerEntry & { poolText?: string; child?: string }> {
  return compensationLedger(items).map((l) => ({
    ...l,
    ...(l.personIndex !== undefined && persons[l.personIndex] ? { child: persons[l.personIndex] } : {}),
    ...(l.why === undefined ? {} : { why: reasonWords(l.why, locale) }),
    ...(l.school !== undefined ? { poolText: l.school } : l.pool === undefined ? {} : { poolText: poolWhere(l.pool, locale) }),
  }));
}

/** The types of an officer's refused attempt: their `why` is the problem's code (app/commands/officer-step-update.ts). */
const REFUSED_ATTEMPTS = new Set(['decision_refused', 'step_claim_refused', 'step_release_refused']);

/** A refused attempt's problem code in words (its title), or as recorded. */
function refusalWords(why: string, locale: Locale): string {
  const code = why.replace(/_/g, '-');
  return isProblemCode(code) ? PROBLEMS[code].title[locale] : why;
}

/** `persons`: the application's people by index (applicant first), to name the children a line is about. */
export function timelineRows(
  req: Request,
  items: readonly AuditEventView[],
  names: { officers: readonly KnownOfficer[]; staff: ReadonlyMap<string, string>; persons?: readonly string[] },
): TimelineRow[] {
  const { officers, staff, persons } = names;
  return items.map((e) => {
    const what = auditWhat(e, req.locale, {
      nameOf: (id) => holderName(req, officers, id),
      childName: (i) => persons?.[i],
    });
    // The system's own lines need no name (the role column says 系统); officers and supervisors are named.
    const staffName = e.actor.id ? staff.get(e.actor.id) : undefined;
    const actorText =
      !e.actor.id || e.actor.id === 'system'
        ? '—'
        : staffName
          ? namedOfficer(req, staffName, e.actor.id)
          : holderName(req, officers, e.actor.id);
    const why =
      e.why === undefined
        ? undefined
        : e.type === 'check_failed'
          ? systemErrorWords(e.why, req.locale)
          : REFUSED_ATTEMPTS.has(e.type)
            ? refusalWords(e.why, req.locale)
            : reasonWords(e.why, req.locale);
    return { ...e, ...(why !== undefined ? { why } : {}), actorText, what: what.text, whatRecorded: what.recorded };
  });
}

/**
 * The timeline as a file, as the page shows it (headings and words in the page's language,
 * Beijing time), for an access whose purpose is given (the case page's export form asks for it).
 */
export async function auditCsv(deps: AppDeps, req: Request, res: Response, access: AccessContext): Promise<void> {
  const actor = actorOf(req, 'supervisor');
  const caseId = caseIdOf(req);
  const trail = await auditTrail(deps, { actor, caseId, view: 'audit_csv', access });
  const rows = timelineRows(req, trail.items, { ...(await timelineNames(deps, trail.items)), persons: trail.persons });
  const locale = req.locale;
  const text = csvDocument(
    [tr(req, 'supWhen'), tr(req, 'supWho'), tr(req, 'supRole'), tr(req, 'supDepartment'), tr(req, 'supWhat'), tr(req, 'supWhy')],
    rows.map((r) => [
      shanghaiDateTime(r.at, locale),
      r.actorText,
      `${label('role', r.actor.role, locale)}${r.actor.department ? ` · ${label('department', r.actor.department, locale)}` : ''}`,
      r.department ? label('department', r.department, locale) : '',
      `${label('auditType', r.type, locale)} ${r.what}`.trim(),
      r.why ?? '',
    ]),
  );
  const day = shanghaiDate(new Date().toISOString(), 'en');
  res
    .status(200)
    .type('text/csv; charset=utf-8')
    .setHeader('Content-Disposition', `attachment; filename="audit-${trail.caseNumber}-${day}-${locale}.csv"`)
    .send(text);
}

/**
 * What a termination will release, in the order the workflow releases it (saga.ts
 * `finishUnsettled`): its reservations newest commit first — a school place the child waited for
 * was committed when it began to wait, and held only when a place came free — and before each,
 * any school an education officer named since that reservation was held (undone at its register,
 * not a pool's slot), newest first; those left, last. Each child's line names the child.
 */
export function releaseOrder(view: Pick<SupervisorCaseView, 'reservations' | 'schoolPlacements'>, locale: Locale) {
  const waitedSince = (r: SupervisorCaseView['reservations'][number]) =>
    r.kind === 'school_place' && r.personIndex !== undefined
      ? view.schoolPlacements.find((p) => p.personIndex === r.personIndex)?.waitingSince
      : undefined;
  const entries = view.reservations
    .filter((r) => r.status === 'held')
    .map((r, i) => ({ r, i, committed: waitedSince(r) ?? r.heldAt }))
    // By when each was committed (the saga's entries), the record's order breaking a tie; newest first.
    .sort((a, b) => b.committed.localeCompare(a.committed) || b.i - a.i)
    .map(({ r }) => ({ kind: r.kind, poolText: poolWhere(r.pool, locale), name: r.name, heldAt: r.heldAt }));
  const pending = view.schoolPlacements
    .filter((p) => p.status === 'placed' && p.school)
    .sort((a, b) => (b.placedAt ?? '').localeCompare(a.placedAt ?? ''))
    .map((p) => ({ kind: 'school_place', poolText: p.school, name: p.name, placedAt: p.placedAt ?? '' }));
  const order: Array<{ kind: string; poolText?: string; name?: string }> = [];
  for (const e of entries) {
    while (pending.length > 0 && pending[0]!.placedAt > e.heldAt) order.push(pending.shift()!);
    order.push(e);
  }
  return [...order, ...pending];
}
