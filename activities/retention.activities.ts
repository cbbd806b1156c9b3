/**
 * The retention sweep's steps (issue 15 part 5; workflows/retention, README "Retention"). Each
 * is idempotent: a case is listed in the run's record before it is anonymised and marked
 * `anonymisedAt` last, so a retried page lists it once (`$addToSet`) and anonymises it again to
 * the same result; an access-record day is entered in the record (count, last hash) before it
 * is deleted, and only once.
 *
 * What anonymising a case file touches: the read model (domain/retention.ts anonymiseCaseState),
 * its notices (addresses, subjects, bodies, template parameters, delivery errors, service notes
 * go; kind, channel, status and the delivery proof's times stay), its registration and
 * social-insurance transfer (identities and the registers' record ids), its audit trail's
 * details (identities at any depth, the applicant's account id, free-text reasons), and deletes
 * its idempotency records and open-case locks. The dashboard's facts (case_facts, day packs)
 * hold no personal data and are left as they are, so the figures stay.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { trusted, type Connection } from 'mongoose';
import {
  ANONYMISED,
  CASE_RETENTION_CLASSES,
  DEFAULT_RETENTION_PERIODS,
  anonymiseCaseState,
  anonymiseDeep,
  caseEndCutoff,
  firstAccessDayKept,
  type CaseRetentionClass,
  type RetentionPeriods,
} from '../domain/retention';
import type { CaseStatus } from '../domain/vocabulary';
import { verifyAccessChain } from '../app/access-records/verify';
import { auditEventModel } from '../models/audit-event.model';
import { caseModel, type CaseDoc } from '../models/case.model';
import { isDuplicateKey } from '../models/duplicate-key';
import { noticeModel } from '../models/notice.model';
import { registrationModel } from '../models/registration.model';
import { retentionRunModel, type DeletedAccessDay, type RetentionRunDoc } from '../models/retention-run.model';
import { socialInsuranceTransferModel } from '../models/social-insurance-transfer.model';
import type {
  AnonymiseBatchInput,
  AnonymiseBatchResult,
  RetentionRunStart,
  RetentionSweepResult,
} from '../workflows/retention/messages';

export interface RetentionSettings {
  periods: RetentionPeriods;
  /** Cases per page of the sweep. */
  batchSize: number;
}

const STATUSES: Record<CaseRetentionClass, CaseStatus[]> = {
  case_file_settled: ['settled'],
  case_file_ended: ['rejected', 'withdrawn', 'terminated'],
};

/** Access-record days deleted per activity: each is verified, counted and deleted. */
const ACCESS_DAYS_PER_CALL = 31;

/** A reason code (e.g. `identity_mismatch`) stays in the audit trail; free text may name someone. */
const isCode = (s: string) => /^[a-z0-9_:.-]+$/.test(s);

/** Audit details without identities; the names an applicant gave the documents they supplied are their own words. */
function anonymiseAuditData(type: string, data: Record<string, unknown>): unknown {
  const out = anonymiseDeep(data) as Record<string, unknown>;
  if (type === 'supplement_provided' && Array.isArray(out.items)) out.items = out.items.map(() => ANONYMISED);
  return out;
}

/** Anonymises one case file in every collection that holds a part of it (see the header). */
export async function anonymiseCaseFile(mongo: Connection, doc: CaseDoc, cls: CaseRetentionClass, at: Date): Promise<void> {
  const caseId = doc._id;
  const notices = noticeModel(mongo);
  await notices.updateMany(
    { caseId },
    {
      $set: { 'recipient.address': ANONYMISED, subject: ANONYMISED, body: ANONYMISED },
      $unset: { templateParams: '', lastError: '' },
    },
  );
  await notices.updateMany({ caseId, 'service.note': trusted({ $exists: true }) }, { $set: { 'service.note': ANONYMISED } });

  const registrations = registrationModel(mongo);
  const registration = await registrations.findOne({ _id: caseId }).lean();
  if (registration) {
    const members = registration.members.map(({ policeRecordId: _record, ...m }) => ({
      ...m,
      idNumber: ANONYMISED,
      name: ANONYMISED,
    }));
    await registrations.updateOne({ _id: caseId }, { $set: { members } });
  }
  await socialInsuranceTransferModel(mongo).updateOne(
    { _id: caseId },
    { $set: { idNumber: ANONYMISED }, $unset: { recordId: '' } },
  );

  const audit = auditEventModel(mongo);
  const events = await audit.find({ caseId }).lean();
  const rewrites = events.map((e) => ({
    updateOne: {
      filter: { _id: e._id },
      update: {
        $set: {
          actor: e.actor.role === 'applicant' ? { ...e.actor, id: ANONYMISED } : e.actor,
          ...(e.why !== undefined ? { why: isCode(e.why) ? e.why : ANONYMISED } : {}),
          ...(e.data !== undefined ? { data: anonymiseAuditData(e.type, e.data) } : {}),
        },
      },
    },
  }));
  if (rewrites.length > 0) await audit.bulkWrite(rewrites, { ordered: false });

  // Plain driver: these hold nothing sealed, and their filters name no sealed key.
  const idempotency = mongo.collection('idempotency_keys');
  await idempotency.deleteMany({ 'response.caseId': caseId });
  await idempotency.deleteMany({ 'response.body.caseId': caseId });
  await mongo.collection('open_case_locks').deleteMany({ caseId });

  // Last: once marked, the sweep no longer finds the case, so a crash before here redoes it all.
  const anonymised = anonymiseCaseState(doc);
  await caseModel(mongo).updateOne(
    { _id: caseId },
    {
      $set: {
        applicantUserId: anonymised.applicantUserId,
        application: anonymised.application,
        steps: anonymised.steps,
        ...(anonymised.outcome ? { outcome: anonymised.outcome } : {}),
        ...(anonymised.socialInsuranceTransfer ? { socialInsuranceTransfer: anonymised.socialInsuranceTransfer } : {}),
        anonymisedAt: at,
        retentionClass: cls,
      },
    },
  );
}

/** Whether the case's workflow has closed; a workflow gone from Temporal (past its history retention) has. */
async function workflowClosed(temporal: Client, workflowId: string): Promise<boolean> {
  try {
    const { status } = await temporal.workflow.getHandle(workflowId).describe();
    return status.name !== 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return true;
    throw err;
  }
}

export function createRetentionActivities(deps: { mongo: Connection; temporal?: Client; retention?: RetentionSettings }) {
  const settings: RetentionSettings = deps.retention ?? { periods: DEFAULT_RETENTION_PERIODS, batchSize: 50 };
  const runs = () => retentionRunModel(deps.mongo);
  // Plain driver for the set additions: Mixed paths, and no casting to get in the way.
  const rawRuns = () => deps.mongo.collection<RetentionRunDoc>('retention_runs');

  return {
    async beginRetentionRun(input: { runId: string; asOf?: string }): Promise<RetentionRunStart> {
      const existing = await runs().findById(input.runId).lean();
      const asOf = existing?.asOf ?? input.asOf ?? new Date().toISOString();
      const periods = existing?.periods ?? settings.periods;
      const start: RetentionRunStart = {
        runId: input.runId,
        asOf,
        periods,
        batchSize: settings.batchSize,
        caseCutoffs: Object.fromEntries(CASE_RETENTION_CLASSES.map((c) => [c, caseEndCutoff(c, asOf, periods)])) as Record<
          CaseRetentionClass,
          string
        >,
        firstAccessDayKept: firstAccessDayKept(asOf, periods),
      };
      if (!existing) {
        const doc: RetentionRunDoc = {
          _id: input.runId,
          status: 'running',
          startedAt: new Date(),
          asOf,
          periods,
          cutoffs: { ...start.caseCutoffs, access_records: start.firstAccessDayKept },
          anonymised: { case_file_settled: [], case_file_ended: [] },
          skippedRunning: [],
          accessRecordDays: [],
        };
        // An insert, not an upsert: FerretDB v1 was seen to leave out a `$setOnInsert`'s empty top-level arrays.
        try {
          await rawRuns().insertOne(doc);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err; // a retried begin whose first insert went through
        }
      }
      return start;
    },

    async anonymiseExpiredCases(input: AnonymiseBatchInput): Promise<AnonymiseBatchResult> {
      if (!deps.temporal) throw new Error('the retention sweep needs a Temporal client to see whether a case has closed');
      const docs = (await caseModel(deps.mongo)
        .find({
          open: false,
          status: trusted({ $in: STATUSES[input.cls] }),
          lastProgressDate: trusted({ $lt: new Date(input.cutoff) }),
          anonymisedAt: trusted({ $exists: false }),
          ...(input.afterId !== undefined ? { _id: trusted({ $gt: input.afterId }) } : {}),
        })
        .sort({ _id: 1 })
        .limit(input.limit)
        .lean()) as CaseDoc[];
      const raw = rawRuns();
      let anonymised = 0;
      let skippedRunning = 0;
      for (const doc of docs) {
        if (!(await workflowClosed(deps.temporal, doc.workflowId))) {
          await raw.updateOne({ _id: input.runId }, { $addToSet: { skippedRunning: doc._id } });
          skippedRunning += 1;
          continue;
        }
        await raw.updateOne({ _id: input.runId }, { $addToSet: { [`anonymised.${input.cls}`]: doc._id } });
        await anonymiseCaseFile(deps.mongo, doc, input.cls, new Date());
        anonymised += 1;
      }
      const last = docs[docs.length - 1];
      return { ...(last ? { lastId: last._id } : {}), read: docs.length, anonymised, skippedRunning };
    },

    async deleteExpiredAccessDays(input: { runId: string; before: string }): Promise<{ days: number; more: boolean }> {
      const records = deps.mongo.collection<{ _id: string; day: string }>('access_records');
      const days = ((await records.distinct('day', { day: { $lt: input.before } })) as string[])
        .sort()
        .slice(0, ACCESS_DAYS_PER_CALL);
      const run = await runs().findById(input.runId).lean();
      const entered = new Set((run?.accessRecordDays ?? []).map((d) => d.day));
      for (const day of days) {
        if (!entered.has(day)) {
          const report = await verifyAccessChain(deps.mongo, { day });
          const entry: DeletedAccessDay = {
            day,
            records: await records.countDocuments({ day }),
            lastHash: report.lastHashes[day] ?? '',
            verified: report.ok,
          };
          await rawRuns().updateOne({ _id: input.runId }, { $push: { accessRecordDays: entry } });
        }
        await records.deleteMany({ day });
      }
      return { days: days.length, more: days.length === ACCESS_DAYS_PER_CALL };
    },

    async finishRetentionRun(input: { runId: string }): Promise<RetentionSweepResult> {
      await runs().updateOne({ _id: input.runId, status: 'running' }, { $set: { status: 'finished', finishedAt: new Date() } });
      const run = await runs().findById(input.runId).lean();
      if (!run) throw new Error(`retention run ${input.runId} has no record`);
      return {
        runId: run._id,
        anonymised: {
          case_file_settled: run.anonymised.case_file_settled?.length ?? 0,
          case_file_ended: run.anonymised.case_file_ended?.length ?? 0,
        },
        accessRecordDays: run.accessRecordDays?.length ?? 0,
        accessRecords: (run.accessRecordDays ?? []).reduce((n, d) => n + d.records, 0),
      };
    },
  };
}
