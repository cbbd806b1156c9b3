/**
 * The access records of one case or of one person (issue 15 part 3), newest first, for
 * supervisors and auditors. A list view that showed the case counts as a view of it (its record
 * names every case on the page). Reading the records is not itself recorded: they hold who looked
 * at what, not the case data.
 */
import { trusted } from 'mongoose';
import { z } from 'zod';
import { Instant } from '../views/instant';
import { accessRecordModel, type AccessRecordDoc } from '../../models/access-record.model';
import type { AuditorActor, SupervisorActor } from '../actor';
import type { AppDeps } from '../deps';
import { AppError, noSuchCase } from '../errors';
import { findCaseByNumber } from './find-case';
import { decodeCursor, pageOf, type Page } from '../page-cursor';

export const AccessRecordView = z
  .object({
    id: z.string(),
    at: Instant,
    actor: z.object({ sub: z.string(), role: z.string(), department: z.string().optional() }),
    view: z.string(),
    caseIds: z.array(z.string()),
    roundId: z.string().optional().meta({ description: 'The admission round viewed (view `round_objections`)' }),
    purpose: z.string().optional(),
    via: z.string().optional(),
    requestId: z.string().optional(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AccessRecord', description: 'Who viewed which case, when, how and why; chained by SM3 per day' });
export type AccessRecordView = z.infer<typeof AccessRecordView>;

const RecordCursor = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}:\d{9}$/)]);

export interface AccessRecordsInput {
  actor: SupervisorActor | AuditorActor;
  caseId?: string;
  /** The case by its 受理编号 instead of its id. */
  caseNumber?: string;
  userId?: string;
  limit: number;
  cursor?: string;
}

const view = (r: AccessRecordDoc): AccessRecordView => AccessRecordView.parse({ ...r, id: r._id });

export async function accessRecords(deps: AppDeps, input: AccessRecordsInput): Promise<Page<AccessRecordView>> {
  if (!input.caseId && !input.userId && !input.caseNumber) {
    throw new AppError('invalid', 'validation-error', 'Name a case or a user', [
      { path: '/caseId', message: 'give caseId, caseNumber or userId' },
    ]);
  }
  if (input.caseId && input.caseNumber)
    throw new AppError('invalid', 'validation-error', 'Name the case once', [
      { path: '/caseNumber', message: 'give caseId or caseNumber, not both' },
    ]);
  // A case by its number (受理编号), as a complaint or a letter quotes it.
  const caseId = input.caseNumber
    ? (await findCaseByNumber(deps, { actor: input.actor, caseNumber: input.caseNumber }))?.caseId
    : input.caseId;
  if (input.caseNumber && !caseId) throw noSuchCase('No case has this number');
  const filter: Record<string, unknown> = {};
  if (caseId) filter.caseIds = caseId;
  if (input.userId) filter['actor.sub'] = input.userId;
  // `_id` is `<day>:<seq>`: its order is the order records were appended in.
  if (input.cursor) filter._id = trusted({ $lt: decodeCursor(input.cursor, RecordCursor)[0] });
  const docs = await accessRecordModel(deps.mongo)
    .find(filter)
    .sort({ _id: -1 })
    .limit(input.limit + 1)
    .lean();
  return pageOf(docs, input.limit, view, (r) => [r._id]);
}
