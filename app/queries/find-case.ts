/**
 * A case by its number (受理编号, `HK-2026-000005`) for a supervisor (or an auditor searching the access records): the number an applicant
 * quotes on the telephone and every notice carries, where the pages and the API otherwise reach a
 * case only by its id or through a stuck-case list. One equality on an indexed field (the read
 * model's unique `caseNumber`, which FerretDB on PostgreSQL answers from its GIN index). The case
 * itself is read, and recorded in the access records, when the supervisor opens it.
 */
import { z } from 'zod';
import type { AuditorActor, SupervisorActor } from '../actor';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { caseModel } from '../../models/case.model';

/** What the case-number series looks like (models/counter: HK-<year>-<six digits>). */
export const CASE_NUMBER = /^HK-\d{4}-\d{6}$/;

export const FoundCase = z
  .object({ caseId: z.string(), caseNumber: z.string(), status: z.string(), route: z.string(), area: z.string() })
  .meta({ id: 'FoundCase' });
export type FoundCase = z.infer<typeof FoundCase>;

/**
 * A case number as people type it: spaces, lower case, full-width letters and dashes (a Chinese
 * input method's ＨＫ－２０２６－０００００５) become the canonical form; anything else is undefined.
 */
export function normaliseCaseNumber(typed: string): string | undefined {
  // Dashes of any kind, with or without spaces round them, and bare spaces between the parts (as
  // a number is read out: "HK 2026 000005") are the series' one dash.
  const canonical = typed
    .normalize('NFKC')
    .trim()
    .replace(/\s*[-\u2010-\u2015\u2212]\s*/g, '-')
    .replace(/\s+/g, '-')
    .toUpperCase();
  return CASE_NUMBER.test(canonical) ? canonical : undefined;
}

/** The case with this number, or none; a number not of the series is `invalid`, naming the field. */
export async function findCaseByNumber(
  deps: AppDeps,
  input: { actor: SupervisorActor | AuditorActor; caseNumber: string },
): Promise<FoundCase | undefined> {
  const caseNumber = normaliseCaseNumber(input.caseNumber);
  if (!caseNumber)
    throw new AppError('invalid', 'validation-error', 'not a case number', [
      { path: '/caseNumber', message: 'a case number looks like HK-2026-000005' },
    ]);
  const c = await caseModel(deps.mongo).findOne({ caseNumber }).select({ caseNumber: 1, status: 1, route: 1, area: 1 }).lean();
  return c
    ? FoundCase.parse({ caseId: c._id, caseNumber: c.caseNumber, status: c.status, route: c.route, area: c.area })
    : undefined;
}

/**
 * The case numbers (受理编号) of these case ids, for staff who list records naming cases by id
 * (the access records): one `{_id}` read each, which FerretDB answers from its index. An id of
 * no case (anonymised cases keep theirs) is left out.
 */
export async function caseNumbersOf(
  deps: AppDeps,
  input: { actor: SupervisorActor | AuditorActor; caseIds: readonly string[] },
): Promise<Map<string, string>> {
  const ids = [...new Set(input.caseIds)];
  const found = await Promise.all(ids.map((id) => caseModel(deps.mongo).findById(id).select({ caseNumber: 1 }).lean()));
  return new Map(found.flatMap((c) => (c?.caseNumber ? [[c._id, c.caseNumber] as [string, string]] : [])));
}
