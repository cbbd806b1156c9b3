/**
 * The retention sweep's steps (issue 15 part 5; workflows/retention, README "Retention"): the
 * cases of one month of case ends at a time, found by their `ended` dashboard facts. Each step
 * is idempotent: a case is listed in the run's record before it is anonymised and marked
 * `anonymisedAt` last, so a retried page lists it once (`$addToSet`) and anonymises it again to
 * the same result; an access-record day is entered in the record (count, last hash) before it
 * is deleted, and only once.
 *
 * What anonymising a case file touches: the read model (domain/retention.ts anonymiseCaseState),
 * its notices (addresses, subjects, bodies, template parameters and letters, delivery errors, service notes
 * go; kind, channel, status and the delivery proof's times stay), its registration and
 * social-insurance transfer (identities and the registers' record ids), its audit trail's
 * details (identities at any depth, the applicant's account id, free-text reasons), and deletes
 * its idempotency records and open-case locks (a submission's record abandoned while pending
 * names no case: the run deletes those a day old). The dashboard's facts (case_facts, day packs)
 * hold no personal data and are left as they are, so the figures stay.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { trusted, type Connection } from 'mongoose';
import {
  ANONYMISED,
  CASE_RETENTION_CLASSES,
  DEFAULT_RETENTION_PERIODS,
  IDENTIFYING_KEYS,
  anonymiseCaseState,
  anonymiseDeep,
  caseEndCutoff,
  firstAccessDayKept,
  nextMonth,
  type CaseRetentionClass,
  type RetentionPeriods,
} from '../domain/retention';
import { shanghaiToday } from '../domain/shanghai-clock';
import type { CaseStatus } from '../domain/vocabulary';
import { forgetAccessChainEnds } from '../app/access-records/record-access';
import { verifyAccessChain } from '../app/access-records/verify';
import { auditEventModel } from '../models/audit-event.model';
import { caseFactModel } from '../models/case-fact.model';
import { caseModel, type CaseDoc } from '../models/case.model';
import { familyRefusalModel } from '../models/family-refusal.model';
import { isDuplicateKey } from '../models/duplicate-key';
import { noticeModel } from '../models/notice.model';
import { registrationModel } from '../models/registration.model';
import { reservationModel } from '../models/reservation.model';
import { REQUEST_FINGERPRINT_DAYS } from '../models/request-fingerprint.model';
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

/** Per class, the last month of case ends with nothing left to anonymise (the sweep's bookmark). */
interface RetentionStateDoc {
  _id: CaseRetentionClass;
  sweptThrough: string;
  at: Date;
}

const STATUSES: Record<CaseRetentionClass, CaseStatus[]> = {
  case_file_settled: ['settled'],
  case_file_ended: ['rejected', 'withdrawn', 'terminated'],
};

/** Months without a case end of the class passed over per activity (the first run walks from the earliest end on record). */
const EMPTY_MONTHS_PER_CALL = 36;

/** Access-record days deleted per activity: each is verified, counted and deleted. */
const ACCESS_DAYS_PER_CALL = 31;

/** A reason code (e.g. `identity_mismatch`) stays in the audit trail; free text may name someone. */
export const isCode = (s: string) => /^[a-z0-9_:.,-]+$/.test(s);

/**
 * Keys of audit details that lead back to a person without naming them: the department
 * registers' record ids (police, HR, education) and the material an officer asked for, which is
 * free text ("配偶李四的身份证复印件").
 */
const AUDIT_IDENTIFYING_KEYS: ReadonlySet<string> = new Set([
  ...IDENTIFYING_KEYS,
  'recordId',
  'policeRecordIds',
  'departmentRecordId',
  'missing',
]);

/** Audit details without identities; the names an applicant gave the documents they supplied are their own words. */
export function anonymiseAuditData(type: string, data: Record<string, unknown>): unknown {
  const out = anonymiseDeep(data, AUDIT_IDENTIFYING_KEYS) as Record<string, unknown>;
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
      $unset: { templateParams: '', letter: '', lastError: '' },
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
  // The registers' own record ids (a provisional registration's, a school place's) identify the person there.
  await reservationModel(mongo).updateMany({ caseId }, { $unset: { departmentRecordId: '' } });
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
        ...(anonymised.compensationFailures ? { compensationFailures: anonymised.compensationFailures } : {}),
        ...(anonymised.commitFailures ? { commitFailures: anonymised.commitFailures } : {}),
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

/**
 * Idempotency-Key fingerprints (app/request-fingerprints.ts) older than REQUEST_FINGERPRINT_DAYS
 * before the run's instant, a whole day at a time: hashes only, kept for retries, not records.
 */
async function forgetOldRequestFingerprints(mongo: Connection, asOf: string | undefined): Promise<void> {
  const at = asOf ? new Date(asOf) : new Date();
  await deleteDaysBefore(
    mongo,
    'request_fingerprints',
    shanghaiToday(new Date(at.getTime() - REQUEST_FINGERPRINT_DAYS * 86_400_000)),
  );
}

/**
 * Idempotency records a submission left pending and never finished (its process stopped between
 * taking the key and recording the answer): they name no case, so a case's anonymising never
 * reaches them. A retry takes such a key over after minutes (app/commands/submit-application.ts);
 * one a day old is abandoned. The account id and the request's hash go with it.
 */
async function forgetAbandonedIdempotencyKeys(mongo: Connection, asOf: string | undefined): Promise<void> {
  const before = new Date((asOf ? Date.parse(asOf) : Date.now()) - 86_400_000);
  await mongo.collection('idempotency_keys').deleteMany({ state: 'pending', createdAt: { $lt: before } });
}

/** Refusals naming family members are bounded per day (§8): a day past matters no more. */
async function forgetPastFamilyRefusals(mongo: Connection, asOf: string | undefined): Promise<void> {
  await deleteDaysBefore(mongo, familyRefusalModel(mongo).collection.name, shanghaiToday(asOf ? new Date(asOf) : new Date()));
}

/** Deletes a collection's days before `before`, a whole day at a time (equality on its indexed `day`). */
async function deleteDaysBefore(mongo: Connection, collection: string, before: string): Promise<void> {
  const docs = mongo.collection<{ day: string }>(collection);
  const days = (await docs.distinct('day', { day: { $lt: before } })) as string[];
  for (const day of days) await docs.deleteMany({ day });
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

    /** The month after the class's bookmark; without one, the month of the earliest case end on record. */
    async firstMonthToSweep(input: { cls: CaseRetentionClass }): Promise<string | undefined> {
      const state = await deps.mongo.collection<RetentionStateDoc>('retention_state').findOne({ _id: input.cls });
      if (state) return nextMonth(state.sweptThrough);
      const months = (await caseFactModel(deps.mongo).distinct('month', { kind: 'ended' })) as string[];
      return months.sort()[0];
    },

    /** Every case of the class that ended in `month` or before is anonymised: later nights start after it. */
    async markSweptThrough(input: { cls: CaseRetentionClass; month: string }): Promise<void> {
      const states = deps.mongo.collection<RetentionStateDoc>('retention_state');
      const state = await states.findOne({ _id: input.cls });
      if (state && state.sweptThrough >= input.month) return;
      await states.replaceOne({ _id: input.cls }, { sweptThrough: input.month, at: new Date() }, { upsert: true });
    },

    async anonymiseExpiredCases(input: AnonymiseBatchInput): Promise<AnonymiseBatchResult> {
      if (!deps.temporal) throw new Error('the retention sweep needs a Temporal client to see whether a case has closed');
      const statuses: readonly string[] = STATUSES[input.cls];
      const endedIn = async (month: string) =>
        (
          (await caseFactModel(deps.mongo)
            .find({ month, kind: 'ended' }, { _id: 0, caseId: 1, at: 1, outcome: 1 })
            .lean()) as Array<{ caseId: string; at: string; outcome?: string }>
        ).filter((f) => f.outcome !== undefined && statuses.includes(f.outcome));
      // Months in which no case of the class ended are passed over here, three years at most per
      // call, rather than each costing the workflow an activity; never onto the cut-off's month,
      // so the month returned can still be bookmarked.
      let month = input.month;
      let ofClass = await endedIn(month);
      for (
        let skipped = 0;
        ofClass.length === 0 && nextMonth(month) < input.lastMonth && skipped < EMPTY_MONTHS_PER_CALL;
        skipped++
      ) {
        month = nextMonth(month);
        ofClass = await endedIn(month);
      }
      const due = ofClass
        .filter((f) => f.at < input.cutoff)
        .map((f) => f.caseId)
        .sort();
      const todo = due.filter((id) => input.afterId === undefined || id > input.afterId);
      const page = todo.slice(0, input.limit);
      const cutoff = new Date(input.cutoff);
      const raw = rawRuns();
      // Ended in the month but after the cut-off: due on a later night (counted on the month's first page).
      let pending = input.afterId === undefined ? ofClass.length - due.length : 0;
      let anonymised = 0;
      let skippedRunning = 0;
      for (const caseId of page) {
        const doc = (await caseModel(deps.mongo).findById(caseId).lean()) as CaseDoc | null;
        if (!doc || doc.anonymisedAt) continue;
        // Its file's last entry (a transfer completed, a child placed) came later, or it has not closed.
        if (doc.open || !statuses.includes(doc.status) || !(doc.lastProgressDate < cutoff)) {
          pending += 1;
          continue;
        }
        if (!(await workflowClosed(deps.temporal, doc.workflowId))) {
          await raw.updateOne({ _id: input.runId }, { $addToSet: { skippedRunning: doc._id } });
          skippedRunning += 1;
          pending += 1;
          continue;
        }
        await raw.updateOne({ _id: input.runId }, { $addToSet: { [`anonymised.${input.cls}`]: doc._id } });
        await anonymiseCaseFile(deps.mongo, doc, input.cls, new Date());
        anonymised += 1;
      }
      const last = page[page.length - 1];
      return {
        month,
        ...(last !== undefined ? { lastId: last } : {}),
        more: todo.length > page.length,
        anonymised,
        skippedRunning,
        pending,
      };
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
          // Once per day even when two attempts of this activity run at once (a timed-out one goes on).
          await rawRuns().updateOne(
            { _id: input.runId, 'accessRecordDays.day': { $ne: day } },
            { $push: { accessRecordDays: entry } },
          );
        }
        await records.deleteMany({ day });
      }
      // An API in this process (tests, a one-process deployment) must not chain on to a removed day.
      if (days.length > 0) forgetAccessChainEnds(deps.mongo);
      return { days: days.length, more: days.length === ACCESS_DAYS_PER_CALL };
    },

    async finishRetentionRun(input: { runId: string }): Promise<RetentionSweepResult> {
      // One read: finishing changes only the status and time, not what the summary counts.
      const run = await runs().findById(input.runId).lean();
      if (!run) throw new Error(`retention run ${input.runId} has no record`);
      await forgetOldRequestFingerprints(deps.mongo, run.asOf);
      await forgetAbandonedIdempotencyKeys(deps.mongo, run.asOf);
      await forgetPastFamilyRefusals(deps.mongo, run.asOf);
      await runs().updateOne({ _id: input.runId, status: 'running' }, { $set: { status: 'finished', finishedAt: new Date() } });
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
