/**
 * What each retention run did (issue 15 part 5; README "Retention"): when it ran, the periods and
 * cut-offs it used, the cases it anonymised per class and the access-record days it deleted,
 * each day with its record count and last hash (the chain's end, kept here once the day is
 * gone). One document per run, written only by the run's own activities: `$addToSet` keeps a
 * retried batch from listing anything twice. No personal data: case ids and days only.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { RetentionPeriods } from '../domain/retention';

export interface DeletedAccessDay {
  day: string;
  records: number;
  /** The day's last hash as verified before deletion (app/access-records/verify.ts). */
  lastHash: string;
  /** Whether the day's chain verified before it was deleted. */
  verified: boolean;
}

export interface RetentionRunDoc {
  /** The run's workflow id (the Schedule's action id plus its time, or a test's own). */
  _id: string;
  status: 'running' | 'finished';
  startedAt: Date;
  finishedAt?: Date;
  /** The instant the periods were measured from: now, or a test's `asOf`. */
  asOf: string;
  periods: RetentionPeriods;
  /** Cases that ended before these instants had passed their period; access days before `access_records`. */
  cutoffs: { case_file_settled: string; case_file_ended: string; access_records: string };
  anonymised: { case_file_settled: string[]; case_file_ended: string[] };
  /** Expired cases left alone because their workflow had not closed (looked at again next run). */
  skippedRunning: string[];
  accessRecordDays: DeletedAccessDay[];
}

const runSchema = new Schema<RetentionRunDoc>(
  {
    _id: { type: String, required: true },
    status: { type: String, required: true, enum: ['running', 'finished'] },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date },
    asOf: { type: String, required: true },
    periods: { type: Schema.Types.Mixed, required: true },
    cutoffs: { type: Schema.Types.Mixed, required: true },
    anonymised: { type: Schema.Types.Mixed, required: true },
    skippedRunning: { type: [String], default: [] },
    accessRecordDays: { type: Schema.Types.Mixed, default: [] },
  },
  { collection: 'retention_runs', versionKey: false, minimize: false },
);
runSchema.index({ startedAt: -1 });

export function retentionRunModel(conn: Connection): Model<RetentionRunDoc> {
  return (
    (conn.models.RetentionRun as Model<RetentionRunDoc> | undefined) ?? conn.model<RetentionRunDoc>('RetentionRun', runSchema)
  );
}
