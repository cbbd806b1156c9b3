/**
 * The chaos suite's invariant checker must catch what it exists to catch: a notice sent twice and
 * a reservation left held for a case that did not settle — and must pass a clean state.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDeliveredOnce, checkInvariants, noticeKey, type DeliverySnapshot, type Snapshot } from '../chaos/invariants';

const SETTLED = '11111111-1111-4111-8111-111111111111';
const REJECTED = '22222222-2222-4222-8222-222222222222';
const WAITING = '33333333-3333-4333-8333-333333333333';

const approved = (department: string) => ({
  department,
  status: 'approved',
  overdue: false,
  checkFailures: 0,
  internalNotes: [],
});
const awaiting = (department: string) => ({
  department,
  status: 'awaiting_decision',
  overdue: false,
  checkFailures: 0,
  internalNotes: [],
});
const held = (pool: string) => ({
  kind: 'provisional_registration',
  pool,
  item: 'household',
  status: 'held',
  heldAt: '2026-11-25T00:00:00Z',
});

function notice(caseId: string, event: string, key: string, channel: string, recipient = 'applicant') {
  return { _id: `${caseId}:${event}:${key}:${channel}:${recipient}`, caseId, event, channel, recipient: { kind: recipient } };
}

/** Audit lines for every notice, so the audit trail is complete. */
function noticeAudit(notices: Snapshot['notices']): Snapshot['audit'] {
  return notices.map((n) => ({ _id: `${n.caseId}:1:${n._id}`, caseId: n.caseId, type: 'notice', data: { noticeId: n._id } }));
}

function withSeq(audit: Snapshot['audit']): Snapshot['audit'] {
  return audit.map((a) => ({ ...a, seq: Number(a._id.split(':')[1]) }));
}

/** A settled town case, a town case rejected by housing after police approved, and one waiting for housing. */
function cleanState(): Snapshot {
  const notices = [
    ...['sms', 'email'].flatMap((ch) => [
      notice(SETTLED, 'case_received', 'case', ch),
      notice(SETTLED, 'settled', 'case', ch),
      notice(REJECTED, 'case_received', 'case', ch),
      notice(REJECTED, 'rejected', 'case', ch),
      notice(REJECTED, 'reservations_released', 'case', ch),
      notice(WAITING, 'case_received', 'case', ch),
    ]),
    // Keys may hold colons (an ISO due date): the checker must still split the id right.
    notice(WAITING, 'escalation', 'housing:decision:1:2026-11-25T10:00:00.000Z', 'sms', 'supervisors'),
    notice(WAITING, 'escalation', 'housing:decision:1:2026-11-25T10:00:00.000Z', 'email', 'supervisors'),
  ];
  const contact = (idNumber: string) => ({
    applicant: { idNumber },
    contact: { phone: '13800138000', email: 'a@example.cn' },
  });
  return {
    caseIds: [SETTLED, REJECTED, WAITING],
    cases: [
      {
        _id: SETTLED,
        status: 'settled',
        seq: 6,
        steps: { police: approved('police'), housing: approved('housing') } as never,
        reservations: [held('provisional_registration')] as never,
        application: contact('11010519491231002X'),
      },
      {
        _id: REJECTED,
        status: 'rejected',
        seq: 5,
        steps: { police: approved('police'), housing: { ...approved('housing'), status: 'rejected' } } as never,
        reservations: [{ ...held('provisional_registration'), status: 'released' }] as never,
        application: contact('110105200002290021'),
      },
      {
        _id: WAITING,
        status: 'under_review',
        seq: 4,
        steps: { police: approved('police'), housing: awaiting('housing') } as never,
        reservations: [held('provisional_registration')] as never,
        application: contact('610118196001010107'),
      },
    ],
    workflows: {
      [SETTLED]: { status: 'COMPLETED', resultStatus: 'settled' },
      [REJECTED]: { status: 'COMPLETED', resultStatus: 'rejected' },
      [WAITING]: {
        status: 'RUNNING',
        live: {
          status: 'under_review',
          steps: { police: approved('police'), housing: awaiting('housing') } as never,
          failingCompensations: [],
        },
      },
    },
    notices,
    // Audit ids are `<caseId>:<transition>:<n>`; the transition number is the entry's seq.
    audit: withSeq([
      ...[SETTLED, REJECTED, WAITING].map((caseId) => ({ _id: `${caseId}:1:0`, caseId, type: 'submitted' })),
      ...[SETTLED, REJECTED, WAITING].map((caseId) => ({ _id: `${caseId}:3:0`, caseId, type: 'decision', department: 'police' })),
      { _id: `${SETTLED}:4:0`, caseId: SETTLED, type: 'decision', department: 'housing' },
      { _id: `${SETTLED}:6:0`, caseId: SETTLED, type: 'settled' },
      { _id: `${REJECTED}:4:0`, caseId: REJECTED, type: 'decision', department: 'housing' },
      { _id: `${REJECTED}:5:0`, caseId: REJECTED, type: 'rejected' },
      ...noticeAudit(notices),
    ]),
    reservations: [
      {
        _id: `${SETTLED}:provisional_registration:household`,
        caseId: SETTLED,
        kind: 'provisional_registration',
        pool: 'provisional_registration',
        item: 'household',
        status: 'held',
      },
      {
        _id: `${REJECTED}:provisional_registration:household`,
        caseId: REJECTED,
        kind: 'provisional_registration',
        pool: 'provisional_registration',
        item: 'household',
        status: 'released',
      },
      {
        _id: `${WAITING}:provisional_registration:household`,
        caseId: WAITING,
        kind: 'provisional_registration',
        pool: 'provisional_registration',
        item: 'household',
        status: 'held',
      },
    ],
    pools: [{ _id: 'provisional_registration' }],
    slots: [
      { _id: `provisional_registration#${SETTLED}:household`, pool: 'provisional_registration', holder: `${SETTLED}:household` },
      { _id: `provisional_registration#${WAITING}:household`, pool: 'provisional_registration', holder: `${WAITING}:household` },
    ],
    registrations: [{ _id: SETTLED }],
  };
}

const rules = (s: Snapshot) => checkInvariants(s).map((v) => `${v.rule}${v.caseId ? ` ${v.caseId}` : ''}`);

describe('chaos invariant checker', () => {
  it('when the state is consistent (settled, rejected and released, legitimately waiting), then it reports nothing', () => {
    assert.deepEqual(checkInvariants(cleanState()), []);
  });

  it('when a notice id carries a key with colons, then the key is read back whole', () => {
    const n = cleanState().notices.find((x) => x.event === 'escalation')!;
    assert.equal(noticeKey(n), 'housing:decision:1:2026-11-25T10:00:00.000Z');
  });

  it('when a notice was stored twice under different ids, then it reports the duplicate', () => {
    const s = cleanState();
    // The same settled notice again, as a retried write with a non-deterministic key would leave it.
    const dup = notice(SETTLED, 'settled', 'case-retry', 'sms');
    s.notices.push(dup);
    s.audit.push(...noticeAudit([dup]));
    assert.deepEqual(rules(s), [`notice-duplicated ${SETTLED}`]);
  });

  it('when the same notice document appears twice (a repeatable event, same key), then it reports the duplicate', () => {
    const s = cleanState();
    s.notices.push({ ...s.notices.find((x) => x.event === 'escalation')! });
    assert.deepEqual(rules(s), [`notice-duplicated ${WAITING}`]);
  });

  it('when a rejected case still holds its reservation, then it reports the leak (and the pool that counts it)', () => {
    const s = cleanState();
    s.reservations.find((r) => r.caseId === REJECTED)!.status = 'held';
    const found = rules(s);
    assert.ok(found.includes(`reservation-leaked ${REJECTED}`), found.join('; '));
    assert.ok(found.includes('pool-slots-mismatch'), found.join('; '));
  });

  it('when both faults are present, then it reports both', () => {
    const s = cleanState();
    const dup = notice(REJECTED, 'rejected', 'again', 'email');
    s.notices.push(dup);
    s.audit.push(...noticeAudit([dup]));
    s.reservations.find((r) => r.caseId === REJECTED)!.status = 'held';
    s.slots.push({
      _id: `provisional_registration#${REJECTED}:household`,
      pool: 'provisional_registration',
      holder: `${REJECTED}:household`,
    });
    assert.deepEqual(rules(s).sort(), [`notice-duplicated ${REJECTED}`, `reservation-leaked ${REJECTED}`]);
  });

  it('when a case is stuck mid-activity or its workflow failed, then it is neither ended nor legitimately waiting', () => {
    const s = cleanState();
    s.workflows![WAITING]!.live!.steps.housing!.status = 'checking';
    s.cases.find((c) => c._id === WAITING)!.steps.housing!.status = 'checking';
    s.workflows![SETTLED] = { status: 'FAILED' };
    assert.deepEqual(rules(s).sort(), [`case-not-settled-or-waiting ${SETTLED}`, `case-not-settled-or-waiting ${WAITING}`]);
  });

  it('when a pool has a slot no held reservation accounts for, or a settled case lost its notice, then both are reported', () => {
    const s = cleanState();
    s.slots.push({
      _id: 'provisional_registration#stray:household',
      pool: 'provisional_registration',
      holder: 'stray:household',
    });
    s.notices = s.notices.filter((n) => !(n.caseId === SETTLED && n.event === 'settled' && n.channel === 'email'));
    assert.deepEqual(rules(s).sort(), [`notice-missing ${SETTLED}`, 'pool-slots-mismatch']);
  });

  it('when one applicant ends up with two open cases (a retried submission), then it is reported', () => {
    const s = cleanState();
    const twin = structuredClone(s.cases.find((c) => c._id === WAITING)!);
    twin._id = '44444444-4444-4444-8444-444444444444';
    s.cases.push(twin);
    assert.ok(rules(s).includes('duplicate-open-case'), rules(s).join('; '));
  });

  it('when a family member of one open case is in another open case, then it is reported (one open case per person, §8)', () => {
    const s = cleanState();
    const other = structuredClone(s.cases.find((c) => c._id === WAITING)!);
    other._id = '55555555-5555-4555-8555-555555555555';
    other.application = { ...other.application, applicant: { idNumber: '11010519491231002X' } };
    const waiting = s.cases.find((c) => c._id === WAITING)!;
    waiting.application = { ...waiting.application, family: [{ idNumber: '110105200002290021' }] };
    other.application.family = [{ idNumber: '110105200002290021' }];
    s.cases.push(other);
    assert.ok(rules(s).includes('duplicate-open-case'), rules(s).join('; '));
  });

  it('when the read model of a rejected case fell back to an older transition, then it is reported as regressed (and nothing else)', () => {
    const s = cleanState();
    const c = s.cases.find((x) => x._id === REJECTED)!;
    c.status = 'under_review';
    c.seq = 4; // the rejection (transition 5) was audited and noticed, its projection lost
    assert.deepEqual(rules(s), [`read-model-regressed ${REJECTED}`]);
  });

  it('when the read model of a waiting case differs at its newest transition, then it is reported as stale', () => {
    const s = cleanState();
    s.cases.find((x) => x._id === WAITING)!.steps.housing!.status = 'checking';
    assert.deepEqual(rules(s), [`read-model-stale ${WAITING}`]);
  });

  it('when a case ended by one department shows another step decided without an audit line, then it is reported', () => {
    const s = cleanState();
    s.audit = s.audit.filter((a) => !(a.caseId === REJECTED && a.type === 'decision' && a.department === 'police'));
    assert.deepEqual(rules(s), [`decision-unaudited ${REJECTED}`]);
  });

  it('when an officer decision was applied twice, then it is reported', () => {
    const s = cleanState();
    s.audit.push({ _id: `${SETTLED}:5:0`, caseId: SETTLED, type: 'decision', department: 'housing' });
    assert.deepEqual(rules(s), [`decision-duplicated ${SETTLED}`]);
  });

  it('when the departments hold a settled person twice, none for another, and a rejected case’s record is not undone, then it reports each (issue 14)', () => {
    const s = cleanState();
    // A settled family of two: the second person has no police registration.
    const settled = s.cases.find((c) => c._id === SETTLED)!;
    settled.application = { ...settled.application, family: [{ idNumber: '110105198001010016' }] };
    s.registerRecords = [
      { caseId: SETTLED, register: 'household_registration', status: 'active', request: { item: 'person-0' } },
      { caseId: SETTLED, register: 'household_registration', status: 'active', request: { item: 'person-0' } },
      { caseId: REJECTED, register: 'provisional_registration', status: 'active', request: { item: 'household' } },
    ];
    const found = rules(s);
    assert.ok(found.includes(`register-record-duplicated ${SETTLED}`), found.join('; '));
    assert.ok(found.includes(`register-record-leaked ${REJECTED}`), found.join('; '));
    assert.ok(found.includes(`register-record-missing ${SETTLED}`), found.join('; '));
  });

  it('when every settled person has one police registration and the rejected case’s record is undone, then it reports nothing', () => {
    const s = cleanState();
    const people = 1 + (s.cases.find((c) => c._id === SETTLED)!.application.family?.length ?? 0);
    s.registerRecords = [
      ...Array.from({ length: people }, (_, i) => ({
        caseId: SETTLED,
        register: 'household_registration',
        status: 'active',
        request: { item: `person-${i}` },
      })),
      { caseId: REJECTED, register: 'provisional_registration', status: 'undone', request: { item: 'household' } },
    ];
    assert.deepEqual(checkInvariants(s), []);
  });
});

describe('chaos invariant: exactly one delivered message per notice (issue 14)', () => {
  const CASE = '44444444-4444-4444-8444-444444444444';
  const id = (channel: string) => `${CASE}:case_received:case:${channel}:applicant`;
  const clean = (): DeliverySnapshot => ({
    notices: [
      { _id: id('email'), caseId: CASE, channel: 'email', status: 'delivered', attempts: 3 },
      { _id: id('sms'), caseId: CASE, channel: 'sms', status: 'delivered', attempts: 1 },
      // Could not be rendered: never sent, nothing to deliver.
      { _id: `${CASE}:settled:case:email:applicant`, caseId: CASE, channel: 'email', status: 'failed' },
    ],
    letters: [{ _id: '<a@x>', noticeId: id('email') }],
    texts: [{ _id: `app:${id('sms')}:13800138000`, sessionContext: id('sms') }],
    deliveredLines: [id('email'), id('sms')].map((n) => ({
      _id: `${CASE}:notice-delivered:${n}`,
      caseId: CASE,
      data: { noticeId: n },
    })),
  });

  it('when every notice went out once with one proof of service, then it reports nothing', () => {
    assert.deepEqual(checkDeliveredOnce(clean()), []);
  });

  it('when a letter arrived twice, a text never, and a proof is missing, then each is reported', () => {
    const s = clean();
    s.letters.push({ _id: '<b@x>', noticeId: id('email') });
    s.texts = [];
    s.deliveredLines = s.deliveredLines.slice(0, 1);
    assert.deepEqual(
      checkDeliveredOnce(s)
        .map((v) => v.rule)
        .sort(),
      ['message-duplicated', 'message-missing', 'proof-of-service'],
    );
  });

  it('when a notice is still queued after the outage, or a provider holds an unknown message, then both are reported', () => {
    const s = clean();
    s.notices[1] = { ...s.notices[1]!, status: 'queued' };
    s.texts.push({ _id: 'app:other', sessionContext: 'other' });
    assert.deepEqual(
      checkDeliveredOnce(s)
        .map((v) => v.rule)
        .sort(),
      ['message-unexpected', 'notice-undelivered'],
    );
  });
});
