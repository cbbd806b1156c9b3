/**
 * The retention runs (issue 15 part 5; README "Retention"), newest first, for supervisors and
 * auditors: what each nightly sweep anonymised and deleted, under which periods. The runs hold
 * case ids and days only, so reading them is not an access to a case file and is not recorded.
 */
import { trusted } from 'mongoose';
import { z } from 'zod';
import { Instant } from '../views/instant';
import { CASE_RETENTION_CLASSES } from '../../domain/retention';
import { retentionRunModel, type RetentionRunDoc } from '../../models/retention-run.model';
import type { AuditorActor, SupervisorActor } from '../actor';
import type { AppDeps } from '../deps';
import { decodeCursor, pageOf, type Page } from '../page-cursor';

const CaseIdsByClass = z.object(
  Object.fromEntries(CASE_RETENTION_CLASSES.map((c) => [c, z.array(z.string())])) as {
    case_file_settled: z.ZodArray<z.ZodString>;
    case_file_ended: z.ZodArray<z.ZodString>;
  },
);

export const RetentionRunView = z
  .object({
    id: z.string(),
    status: z.enum(['running', 'finished']),
    startedAt: Instant,
    finishedAt: Instant.optional(),
    asOf: z.string().meta({ description: 'The instant the periods were measured from' }),
    periods: z.object({
      caseFileSettledYears: z.number(),
      caseFileEndedYears: z.number(),
      accessRecordDays: z.number(),
      temporalHistoryDays: z.number(),
    }),
    cutoffs: z.object({ case_file_settled: z.string(), case_file_ended: z.string(), access_records: z.string() }).meta({
      description: 'Cases that ended before these instants, and access-record days before this day, had passed their period',
    }),
    counts: z.object({
      case_file_settled: z.number().int(),
      case_file_ended: z.number().int(),
      accessRecordDays: z.number().int(),
      accessRecords: z.number().int(),
    }),
    anonymised: CaseIdsByClass.meta({ description: 'The case ids anonymised, per retention class' }),
    skippedRunning: z
      .array(z.string())
      .meta({ description: 'Expired cases whose workflow had not closed: left for a later run' }),
    accessRecordDays: z.array(
      z.object({
        day: z.string(),
        records: z.number().int(),
        lastHash: z.string().meta({ description: "The day's last SM3 hash as verified before deletion" }),
        verified: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'RetentionRun', description: 'What one retention sweep anonymised and deleted (README "Retention")' });
export type RetentionRunView = z.infer<typeof RetentionRunView>;

const RunCursor = z.tuple([z.iso.datetime(), z.string().min(1).max(300)]);

const view = (doc: RetentionRunDoc): RetentionRunView => {
  const r = withLists(doc);
  return RetentionRunView.parse({
    id: r._id,
    status: r.status,
    startedAt: r.startedAt.toISOString(),
    ...(r.finishedAt ? { finishedAt: r.finishedAt.toISOString() } : {}),
    asOf: r.asOf,
    periods: r.periods,
    cutoffs: r.cutoffs,
    counts: {
      case_file_settled: r.anonymised.case_file_settled.length,
      case_file_ended: r.anonymised.case_file_ended.length,
      accessRecordDays: r.accessRecordDays.length,
      accessRecords: r.accessRecordDays.reduce((n, d) => n + d.records, 0),
    },
    anonymised: r.anonymised,
    skippedRunning: r.skippedRunning,
    accessRecordDays: r.accessRecordDays,
  });
};

/** Every list present (a run stored without one of them lists nothing there). */
const withLists = (r: RetentionRunDoc): RetentionRunDoc => ({
  ...r,
  anonymised: {
    case_file_settled: r.anonymised?.case_file_settled ?? [],
    case_file_ended: r.anonymised?.case_file_ended ?? [],
  },
  skippedRunning: r.skippedRunning ?? [],
  accessRecordDays: r.accessRecordDays ?? [],
});

export async function retentionRuns(
  deps: AppDeps,
  input: { actor: SupervisorActor | AuditorActor; limit: number; cursor?: string | undefined },
): Promise<Page<RetentionRunView>> {
  let filter: Record<string, unknown> = {};
  if (input.cursor) {
    const [at, id] = decodeCursor(input.cursor, RunCursor);
    const startedAt = new Date(at);
    filter = {
      $or: [{ startedAt: trusted({ $lt: startedAt }) }, { startedAt, _id: trusted({ $lt: id }) }],
    };
  }
  const docs = await retentionRunModel(deps.mongo)
    .find(filter)
    .sort({ startedAt: -1, _id: -1 })
    .limit(input.limit + 1)
    .lean();
  return pageOf(docs, input.limit, view, (r) => [r.startedAt.toISOString(), r._id]);
}
