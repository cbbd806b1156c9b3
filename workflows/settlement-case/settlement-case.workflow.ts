/**
 * One settlement case, as DOMAIN.md's "Case lifecycle" tells it: submitted → the departments'
 * steps in parallel (a points case also scored, §2) → approved → registering (the household
 * registered as 居民户口, §3; HR's social-insurance transfer, §25) → settled, a child still
 * waiting for a school place waiting on (§21–23). Or it ends without settling — rejected,
 * withdrawn, lapsed, terminated — and every commit is undone in reverse order.
 *
 * The parts: the case's state and log (case-run.ts), the saga (saga.ts), a department's step
 * (department-step.ts), school places (school-places.ts) and the messages (handlers.ts).
 * Every state change is written by one `recordCaseTransition` activity, which keeps a points
 * case's history well under 300 events.
 */
import { allHandlersFinished, CancellationScope, condition, isCancellation, patched } from '@temporalio/workflow';
import * as notices from './notices';
import type { SettlementCaseInput, SettlementCaseResult } from './messages';
import { commits, records, SYSTEM } from './activity-proxies';
import { startCaseRun } from './case-run';
import { createDepartmentSteps } from './department-step';
import { installHandlers } from './handlers';
import { createAdmission } from './admission';
import { createSaga } from './saga';
import { createSchoolPlaces } from './school-places';
import { createTransferWait } from './social-insurance-transfer';
import { createRefusedCommitRecovery } from './commit-incidents';

export async function settlementCase(input: SettlementCaseInput): Promise<SettlementCaseResult> {
  const run = startCaseRun(input);
  const { state, departments, area, now, audit, notify, flush, end, ended } = run;
  const places = createSchoolPlaces(run);
  const saga = createSaga(run, places.onReserved);
  places.bind(saga);
  // Issue 13: a points case waits for its admission round instead of taking a slot when scored.
  const admissionRounds = input.application.route === 'points' && patched('admission-rounds');
  const steps = createDepartmentSteps(run, saga, admissionRounds);
  const admission = admissionRounds ? createAdmission(run, saga) : undefined;
  installHandlers(run, places);
  const transfer = createTransferWait(run);
  const recoverRefused = createRefusedCommitRecovery(run);

  // ---- submitted, then under review ------------------------------------------------------------
  let outcome: SettlementCaseResult | undefined;
  let registerAdapters = false;
  const reviewScope = new CancellationScope();
  try {
    audit({
      type: 'submitted',
      actor: { id: input.applicantUserId, role: 'applicant' },
      what: `${input.application.route} application submitted`,
      data: { departments, policyVersion: input.policyVersion },
    });
    notify(notices.caseReceived(state, departments));
    await flush();

    const policy =
      input.application.route === 'points' ? await records.loadPointsPolicy({ version: input.policyVersion! }) : undefined;
    const review = reviewScope.run(() =>
      Promise.all([...departments.map(steps.runStep), ...(policy ? [steps.runScore(policy)] : [])]),
    );
    review.catch(() => undefined); // observed below; avoid an unhandled rejection when cancelled
    await Promise.race([review, condition(ended)]);
    if (!ended()) await review;
    if (admission && !ended()) await admission.awaitAdmission();
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // The note reaches the termination letter: in the letters' first language.
    end({ status: 'terminated', by: 'supervisor', role: 'supervisor', reasons: [], note: '经督办决定终止办理' });
  }

  const ending = run.ending();
  if (!ending) {
    // ---- approved → registering → settled ------------------------------------------------------
    // Synchronously, so that from here on a withdrawal or termination is refused by validation.
    state.status = 'registering';
    outcome = await CancellationScope.nonCancellable(async () => {
      await saga.committed();
      audit({ type: 'decision', actor: SYSTEM, what: 'all departments approved' });
      await flush();
      // Issue 14: the registers are written at the departments' systems (the activities do that
      // for every case); since this patch the case also waits for HR to complete the transfer.
      registerAdapters = patched('register-adapters');
      // The police system's confirmation comes first: only then may the settled letter say so.
      // A register refusing a write, or down for a round, waits as an incident (commit-incidents.ts); a case registering
      // can no longer end, so it waits until the write is taken. The first attempt is awaited
      // here, as before the patch, so that histories where it succeeded replay unchanged.
      // A bounded round since `commit-unavailable-incidents`: a register that stays down is an incident.
      const writer = patched('commit-unavailable-incidents') ? commits : records;
      const registration = () =>
        writer.registerHousehold({
          caseId: input.caseId,
          application: input.application,
          collectiveHousehold: state.collectiveHousehold,
        });
      let registered: Awaited<ReturnType<typeof registration>> | undefined;
      try {
        registered = await registration();
      } catch (err) {
        registered = await recoverRefused(err, { label: 'household_registration', department: 'police' }, registration);
      }
      const { householdType, policeRecordIds } = registered!;
      audit({
        type: 'commit',
        actor: SYSTEM,
        department: 'police',
        what: `household registered as ${householdType}`,
        data: { collectiveHousehold: state.collectiveHousehold, ...(policeRecordIds ? { policeRecordIds } : {}) },
      });
      // §25: after settlement, HR starts the social-insurance transfer.
      const transferStart = () =>
        writer.startSocialInsuranceTransfer({
          caseId: input.caseId,
          idNumber: input.application.applicant.idNumber,
          area,
        });
      let started: Awaited<ReturnType<typeof transferStart>> | undefined;
      try {
        started = await transferStart();
      } catch (err) {
        started = await recoverRefused(err, { label: 'social_insurance_transfer', department: 'hrss' }, transferStart);
      }
      if (registerAdapters && started) transfer.begin(started);
      else state.socialInsuranceTransfer = { status: 'started', at: now() };
      audit({
        type: 'social_insurance_transfer',
        actor: SYSTEM,
        department: 'hrss',
        what: 'social-insurance transfer started',
        ...(started?.recordId ? { data: { recordId: started.recordId } } : {}),
      });
      state.status = 'settled';
      state.outcome = { status: 'settled', at: now(), by: 'system', role: 'system', reasons: [] };
      audit({ type: 'settled', actor: SYSTEM, what: 'case settled' });
      notify(notices.settled(state, now()));
      await flush();
      return { status: 'settled' as const, compensated: [] };
    });
    // The family has settled; a child still waiting for a place goes on waiting (§21–23), and
    // the case waits for HR to complete the social-insurance transfer (§25).
    await Promise.all([places.awaitAll(saga), ...(registerAdapters ? [transfer.awaitCompletion()] : [])]);
  } else {
    // ---- rejected, withdrawn, lapsed or terminated: undo in reverse -----------------------------
    reviewScope.cancel();
    outcome = await CancellationScope.nonCancellable(() => saga.finishUnsettled(ending));
  }
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  return outcome;
}
