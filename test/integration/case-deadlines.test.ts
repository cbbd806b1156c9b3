/**
 * A case never silently stalls (DOMAIN "Rules that must hold"): an officer step past 80 % of its
 * SLA reminds the department, past 100 % escalates to supervisors and flags the case overdue in
 * its search attributes and read model; a supervisor can extend the deadline.
 */
import { loadDepartmentContacts } from '../../policy/department-contacts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { caseModel } from '../../models/case.model';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { OverdueDepartmentsKey, OverdueKey } from '../../workflows/search-attributes';
import {
  auditTrail,
  noticesOf,
  refusal,
  searchAttributes,
  slaWith,
  supervise,
  untilState,
  untilVisible,
} from '../support/case-records';
import { ROOM_TO_ACT_MS, caseInput, decide, startCase } from '../support/cases';
import { eventually, startStack, type TestStack } from '../support/stack';

describe('officer deadlines', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack('deadlines');
  });
  after(async () => {
    await stack.close();
  });

  async function overdueCase(department: 'police' | 'housing') {
    const base = caseInput(DEMO_PEOPLE.townOwner);
    const input = { ...base, sla: slaWith(base, department, 1500) };
    const handle = await startCase(stack, input);
    await untilState(handle, (s) => (s.steps[department]?.overdue ? true : undefined), `${department} overdue`);
    return { input, handle };
  }

  it('when the police officer lets the SLA pass, then the department is reminded, supervisors are told, the case is flagged overdue, and a late decision still settles it', async () => {
    const { input, handle } = await overdueCase('police');
    // The read model is written with the escalation's notices and audit lines.
    const view = await eventually(async () => {
      const v = await caseModel(stack.mongo).findById(input.caseId).lean();
      return v?.overdue ? v : undefined;
    }, 'read model overdue');
    assert.deepEqual(view.overdueDepartments, ['police']);

    const notices = await noticesOf(stack, input.caseId);
    const reminder = notices.filter((n) => n.event === 'officer_reminder');
    // Staff are notified at their desks' real addresses, from the department contact table (issue 14).
    const contacts = loadDepartmentContacts();
    assert.deepEqual(reminder.map((n) => `${n.channel}:${n.recipient.kind}:${n.recipient.address}`).sort(), [
      `email:department:${contacts.departments.police.email}`,
      `sms:department:${contacts.departments.police.phone}`,
    ]);
    const escalation = notices.filter((n) => n.event === 'escalation');
    assert.deepEqual(escalation.map((n) => `${n.channel}:${n.recipient.kind}:${n.recipient.address}`).sort(), [
      `email:supervisors:${contacts.supervisors.email}`,
      `sms:supervisors:${contacts.supervisors.phone}`,
    ]);
    const trail = await auditTrail(stack, input.caseId);
    assert.deepEqual(
      trail.filter((e) => e.type === 'reminder' || e.type === 'escalation').map((e) => `${e.type}:${e.department}`),
      ['reminder:police', 'escalation:police'],
    );
    // The reminder and the escalation are the system watching, not progress: the case keeps the
    // time of its last real step (so it stays on the "no progress" list), while the lines and the
    // escalation's notices are dated when they happened.
    const escalated = trail.find((e) => e.type === 'escalation')!;
    const reminded = trail.find((e) => e.type === 'reminder')!;
    assert.ok(view.lastProgressAt < reminded.at, `${view.lastProgressAt} is before the reminder ${reminded.at}`);
    assert.equal(view.lastProgressDate.toISOString(), view.lastProgressAt);
    const queued = trail.filter((e) => e.type === 'notice' && String(e.data?.noticeId).includes(':escalation:'));
    assert.ok(queued.length > 0 && queued.every((e) => e.at >= escalated.at), JSON.stringify(queued.map((e) => e.at)));

    await untilVisible(stack, handle, `Overdue = true AND OverdueDepartments = 'police'`);
    const attrs = await searchAttributes(stack, handle);
    assert.equal(attrs.get(OverdueKey), true);
    assert.deepEqual(attrs.get(OverdueDepartmentsKey), ['police']);

    await Promise.all([decide(handle, 'police'), decide(handle, 'housing')]);
    assert.equal((await handle.result()).status, 'settled');
    const settled = await caseModel(stack.mongo).findById(input.caseId).lean();
    assert.equal(settled?.overdue, false);
    assert.deepEqual(settled?.overdueDepartments, []);
    await untilVisible(stack, handle, `Overdue = false AND CaseStatus = 'settled'`);
  });

  it('when a supervisor extends an overdue deadline, then the overdue flag clears everywhere and the step can still be decided', async () => {
    const { input, handle } = await overdueCase('housing');
    await untilVisible(stack, handle, `Overdue = true`);

    assert.equal(
      await refusal(supervise(handle, { department: 'housing', action: 'extend_deadline', extendByMs: 0 })),
      'InvalidAction',
    );
    assert.equal(
      await refusal(supervise(handle, { department: 'education', action: 'extend_deadline', extendByMs: 60_000 })),
      'StepNotFound',
    );
    const step = await supervise(handle, { department: 'housing', action: 'extend_deadline', extendByMs: 10 * 60_000 });
    assert.equal(step.overdue, false);
    assert.ok(Date.parse(step.dueAt!) > Date.now());

    await eventually(
      async () => ((await caseModel(stack.mongo).findById(input.caseId).lean())?.overdue === false ? true : undefined),
      'read model no longer overdue',
    );
    await untilVisible(stack, handle, `Overdue = false AND CaseStatus = 'under_review'`);
    const attrs = await searchAttributes(stack, handle);
    assert.deepEqual(attrs.get(OverdueDepartmentsKey) ?? [], []); // an empty list reads back as unset
    const trail = await auditTrail(stack, input.caseId);
    assert.deepEqual(
      trail.filter((e) => e.type === 'supervisor_action').map((e) => `${e.department}:${e.what}:${e.actor.id}`),
      ['housing:extend_deadline:supervisor-1'],
    );

    await Promise.all([decide(handle, 'police'), decide(handle, 'housing')]);
    assert.equal((await handle.result()).status, 'settled');
    // One escalation for the one missed deadline: the extension did not re-escalate.
    const escalations = (await noticesOf(stack, input.caseId)).filter((n) => n.event === 'escalation');
    assert.equal(escalations.length, 2, 'sms + email');
  });
  it('when a supervisor extends a deadline the officer was already reminded of, then the officer is reminded again before the new one, and escalated at it (patch extension-reminds-again)', async () => {
    // Arrange: reminded and escalated once (a 1.5 s deadline).
    const { input, handle } = await overdueCase('housing');

    // Act: 8 s more; the reminder is due at 80 % of the whole wait, the new deadline after it.
    await supervise(handle, { department: 'housing', action: 'extend_deadline', extendByMs: 8000 });
    await untilState(handle, (s) => (s.steps.housing?.overdue ? true : undefined), 'the new deadline passed');

    // Assert: reminder, escalation, then again reminder before escalation at the new deadline.
    const watched = await eventually(async () => {
      const lines = (await auditTrail(stack, input.caseId))
        .filter((e) => e.department === 'housing' && ['reminder', 'escalation', 'supervisor_action'].includes(e.type))
        .map((e) => e.type);
      return lines.length >= 5 ? lines : undefined;
    }, 'the second escalation in the audit trail');
    assert.deepEqual(watched, ['reminder', 'escalation', 'supervisor_action', 'reminder', 'escalation']);
    const reminders = (await noticesOf(stack, input.caseId)).filter((n) => n.event === 'officer_reminder');
    assert.equal(reminders.length, 4, 'sms + email, twice');
  });

  it('when a supervisor escalates a step by hand before its deadline, then the deadline still flags the case overdue and escalates when it passes', async () => {
    const base = caseInput(DEMO_PEOPLE.townOwner);
    const input = { ...base, sla: slaWith(base, 'police', ROOM_TO_ACT_MS) };
    const handle = await startCase(stack, input);
    await untilState(handle, (s) => (s.steps.police?.status === 'awaiting_decision' ? true : undefined), 'police waiting');
    const step = await supervise(handle, { department: 'police', action: 'escalate', note: 'applicant complained' });
    assert.ok(
      Date.parse(step.escalatedAt!) < Date.parse(step.dueAt!),
      `set-up: the escalation must land before the deadline (escalated ${step.escalatedAt}, due ${step.dueAt})`,
    );
    assert.equal(step.overdue, false);

    await untilState(handle, (s) => (s.steps.police?.overdue ? true : undefined), 'police overdue');
    await untilVisible(stack, handle, `Overdue = true AND OverdueDepartments = 'police'`);
    const trail = await eventually(async () => {
      const t = await auditTrail(stack, input.caseId);
      return t.some((e) => e.type === 'escalation') ? t : undefined;
    }, 'escalation audited');
    assert.deepEqual(
      trail
        .filter((e) => ['reminder', 'escalation', 'supervisor_action'].includes(e.type))
        .map((e) => `${e.type}:${e.what}`)
        .sort(),
      ['escalation:police decision overdue', 'reminder:police officer reminded', 'supervisor_action:escalate'],
    );
    // One escalation notice for the supervisor's own, one for the missed deadline (sms + email each).
    const escalations = (await noticesOf(stack, input.caseId)).filter((n) => n.event === 'escalation');
    assert.equal(escalations.length, 4);

    await Promise.all([decide(handle, 'police'), decide(handle, 'housing')]);
    assert.equal((await handle.result()).status, 'settled');
  });
});
