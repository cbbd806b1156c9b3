/**
 * Read model of a settlement case, projected by activities from the workflow's state. The
 * workflow is the source of truth for progress; this is what lists, inboxes and audits query.
 */
import { Schema, trusted, type Connection, type Model } from 'mongoose';
import type { CaseState } from '../domain/case-state';
import { TERMINAL_STATUSES } from '../domain/vocabulary';
import { CASE_RETENTION_CLASSES, type CaseRetentionClass } from '../domain/retention';
import { PERSONAL_KEYS, sealedFieldsPlugin } from './sealed-fields.plugin';
import { markMigrationDone, migrationDone } from './migrations';

export interface CaseDoc extends CaseState {
  _id: string;
  workflowId: string;
  /** Monotonic transition number: a retried older projection never overwrites a newer one. */
  seq: number;
  route: CaseState['application']['route'];
  /** District (points route) or town (town route). */
  area: string;
  pendingDepartments: string[];
  overdueDepartments: string[];
  failingChecks: string[];
  overdue: boolean;
  /**
   * Not in a terminal status. A plain boolean because FerretDB v1 pushes equality on booleans
   * down to PostgreSQL but evaluates `status: {$nin: …}` itself over every document: supervisor
   * audits filter on `open: true` and so read the open cases only, however many have ended.
   * A settled case whose child still waits for a school place stays open (§21–23).
   */
  open: boolean;
  /** Children waiting for a kindergarten / school place: the education waiting list reads this. */
  childrenWaiting: number;
  supplementDueAt: Date | null;
  lastProgressAt: string;
  lastProgressDate: Date;
  /** Set once the case file passed its retention period and was anonymised (domain/retention.ts). */
  anonymisedAt?: Date;
  retentionClass?: CaseRetentionClass;
}

const caseSchema = new Schema<CaseDoc>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    workflowId: { type: String, required: true },
    seq: { type: Number, required: true },
    caseNumber: { type: String, required: true },
    applicantUserId: { type: String, required: true },
    route: { type: String, required: true },
    area: { type: String, required: true },
    status: { type: String, required: true },
    submittedAt: { type: String, required: true },
    lastProgressAt: { type: String, required: true },
    lastProgressDate: { type: Date, required: true },
    policyVersion: { type: String },
    application: { type: Schema.Types.Mixed, required: true },
    score: { type: Schema.Types.Mixed },
    collectiveHousehold: { type: Boolean, required: true },
    steps: { type: Schema.Types.Mixed, required: true },
    reservations: { type: Schema.Types.Mixed, required: true },
    outcome: { type: Schema.Types.Mixed },
    failingCompensations: { type: [String], required: true },
    compensationFailures: { type: Schema.Types.Mixed },
    commitFailures: { type: Schema.Types.Mixed },
    socialInsuranceTransfer: { type: Schema.Types.Mixed },
    round: { type: Schema.Types.Mixed },
    pastRounds: { type: Schema.Types.Mixed },
    pendingDepartments: { type: [String], required: true },
    overdueDepartments: { type: [String], required: true },
    failingChecks: { type: [String], required: true },
    overdue: { type: Boolean, required: true },
    open: { type: Boolean, required: true },
    childrenWaiting: { type: Number, default: 0 },
    schoolPlacements: { type: Schema.Types.Mixed },
    supplementDueAt: { type: Date, default: null },
    anonymisedAt: { type: Date },
    retentionClass: { type: String, enum: CASE_RETENTION_CLASSES },
  },
  { collection: 'cases', versionKey: false, minimize: false },
);
caseSchema.index({ caseNumber: 1 }, { unique: true });
caseSchema.index({ applicantUserId: 1, submittedAt: -1 });
caseSchema.index({ status: 1, lastProgressDate: 1 });
caseSchema.index({ open: 1, lastProgressDate: 1 });
caseSchema.index({ overdue: 1, lastProgressDate: 1 });
caseSchema.index({ pendingDepartments: 1, route: 1, area: 1 });

// ID numbers, names, phones and emails are sealed at rest (issue 15).
caseSchema.plugin(sealedFieldsPlugin, { keys: PERSONAL_KEYS });

export function caseModel(conn: Connection): Model<CaseDoc> {
  return (conn.models.Case as Model<CaseDoc> | undefined) ?? conn.model<CaseDoc>('Case', caseSchema);
}

/** Marks the backfill below as done, so later starts skip its scans of the whole collection. */
const OPEN_FLAG_MIGRATION = 'case-open-flag';

/**
 * Adds `open` to projections written before it existed (idempotent). Run by the worker at
 * start, before it writes any projection; once done, a later start costs one lookup by _id.
 */
export async function backfillOpenFlag(conn: Connection): Promise<number> {
  if (await migrationDone(conn, OPEN_FLAG_MIGRATION)) return 0;
  const cases = caseModel(conn);
  const missing = { open: trusted({ $exists: false }) };
  const [ended, running] = await Promise.all([
    cases.updateMany({ ...missing, status: trusted({ $in: [...TERMINAL_STATUSES] }) }, { $set: { open: false } }),
    cases.updateMany({ ...missing, status: trusted({ $nin: [...TERMINAL_STATUSES] }) }, { $set: { open: true } }),
  ]);
  await markMigrationDone(conn, OPEN_FLAG_MIGRATION);
  return ended.modifiedCount + running.modifiedCount;
}
