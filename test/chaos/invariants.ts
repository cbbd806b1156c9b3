/**
 * What must hold after any fault, read back from MongoDB and Temporal:
 *
 * - every case has ended (settled, rejected, withdrawn, terminated) or is legitimately waiting —
 *   on an officer, on the applicant, or on the pause between rounds of a failing lookup — and
 *   the read model says the same as the workflow (when it shows a transition older than the
 *   newest one audited, a projection was lost: `read-model-regressed`); one open case per
 *   person's ID number, as applicant or family member (§8);
 * - exactly one notice per case + event + channel + recipient + discriminator key (the middle of
 *   notices._id), one per case for the once-only events whatever their key, and each lifecycle
 *   notice present (case received; settled / rejected / withdrawn as the case ended);
 * - every pool's slots (what is in use: models/pool-use.ts counts them) are exactly its held
 *   reservations, never above the limit; reservations stay held only for settled or still-open cases;
 *   settled cases hold what their state says and have their registration, others have none;
 * - the audit trail is complete: submitted once, a decision per decided department (one per
 *   round), the case's ending, and an audit line for every notice;
 * - the departments' registers (issue 14, read from the simulator's database): exactly one
 *   active final registration per person of a settled case at the police, and nothing left
 *   (everything undone) for a case that ended without settling.
 *
 * `loadSnapshot` reads the state; `checkInvariants` is pure, so its own test can feed it
 * broken states (test/unit/chaos-invariants.test.ts).
 */
import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import type { CaseState } from '../../domain/case-state';
import { TERMINAL_STATUSES, type Department } from '../../domain/vocabulary';
import { auditEventModel } from '../../models/audit-event.model';
import { caseModel } from '../../models/case.model';
import { noticeModel } from '../../models/notice.model';
import { registrationModel } from '../../models/registration.model';
import { reservationModel } from '../../models/reservation.model';
import { reservationPoolModel } from '../../models/reservation-pool.model';
import { reservationSlotModel } from '../../models/reservation-slot.model';
import { caseStatusQuery, settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';
import { registerRecordModel } from '../../tools/simulator/register-records.model';

/** What Temporal says about one case's workflow. */
export interface WorkflowView {
  /** RUNNING, COMPLETED, FAILED, TERMINATED, CANCELLED, TIMED_OUT, CONTINUED_AS_NEW, or NOT_FOUND. */
  status: string;
  /** COMPLETED: the result's status; RUNNING: the live state (status Query). */
  resultStatus?: string;
  live?: Pick<CaseState, 'status' | 'steps' | 'failingCompensations'> & Partial<Pick<CaseState, 'socialInsuranceTransfer'>>;
}

export interface CaseView {
  _id: string;
  status: string;
  seq: number;
  steps: CaseState['steps'];
  reservations: CaseState['reservations'];
  application: { applicant: { idNumber: string }; family?: Array<{ idNumber: string }>; contact: { email?: string } };
  failingCompensations?: string[];
}

export interface Snapshot {
  /** Case ids to judge: the read model's and Temporal's settlement cases, and any the caller knows of. */
  caseIds: string[];
  cases: CaseView[];
  /** Keyed by case id; absent when Temporal was not consulted. */
  workflows?: Record<string, WorkflowView>;
  notices: Array<{ _id: string; caseId: string; event: string; channel: string; recipient: { kind: string } }>;
  audit: Array<{ _id: string; caseId: string; seq?: number; type: string; department?: string; data?: Record<string, unknown> }>;
  reservations: Array<{ _id: string; caseId: string; kind: string; pool: string; item: string; status: string }>;
  pools: Array<{ _id: string; limit?: number | null }>;
  slots: Array<{ _id: string; pool: string; holder: string }>;
  registrations: Array<{ _id: string }>;
  /** What the simulated departments hold (issue 14); absent when their database was not read. */
  registerRecords?: Array<{ caseId?: string; register: string; status: string; request?: { item?: string } }>;
}

export interface Violation {
  rule: string;
  caseId?: string;
  detail: string;
}

/** Events a case sends at most (and, where due, exactly) once, whatever their key. */
const ONCE_PER_CASE = new Set(['case_received', 'settled', 'rejected', 'withdrawn', 'terminated', 'reservations_released']);
/** Steps that wait on a person or on a timer between lookup rounds: nothing is in flight. */
const WAITING_STEP = new Set([
  'awaiting_decision',
  'supplement_requested',
  'check_failed',
  'approved',
  'rejected',
  'not_required',
]);
const OPEN_CASE = new Set(['under_review', 'supplement_requested']);

/** Splits notices._id `<caseId>:<event>:<key>:<channel>:<recipient>` (the key may contain colons). */
export function noticeKey(n: Snapshot['notices'][number]): string | undefined {
  const prefix = `${n.caseId}:${n.event}:`;
  const suffix = `:${n.channel}:${n.recipient.kind}`;
  if (!n._id.startsWith(prefix) || !n._id.endsWith(suffix)) return undefined;
  return n._id.slice(prefix.length, n._id.length - suffix.length);
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

export function checkInvariants(s: Snapshot): Violation[] {
  const out: Violation[] = [];
  const v = (rule: string, detail: string, caseId?: string) => out.push({ rule, detail, ...(caseId ? { caseId } : {}) });
  const caseById = new Map(s.cases.map((c) => [c._id, c]));
  const noticesByCase = groupBy(s.notices, (n) => n.caseId);
  const auditByCase = groupBy(s.audit, (a) => a.caseId);
  const reservationsByCase = groupBy(s.reservations, (r) => r.caseId);
  const registered = new Set(s.registrations.map((r) => r._id));

  // ---- cases: ended or legitimately waiting; read model agrees with the workflow
  for (const caseId of s.caseIds) {
    const c = caseById.get(caseId);
    const wf = s.workflows?.[caseId];
    if (!c) {
      v('case-missing-from-read-model', `workflow ${wf?.status ?? '?'} has no read-model document`, caseId);
      continue;
    }
    // The workflow is the source of truth; the read model must say the same.
    const status = wf?.status === 'COMPLETED' ? wf.resultStatus! : (wf?.live?.status ?? c.status);
    const ended = TERMINAL_STATUSES.includes(status as never);
    const audit = auditByCase.get(caseId) ?? [];
    const differences: string[] = [];
    if (wf) {
      if (wf.status === 'COMPLETED') {
        if (wf.resultStatus !== c.status) differences.push(`workflow ended ${wf.resultStatus}, read model says ${c.status}`);
      } else if (wf.status === 'RUNNING') {
        const live = wf.live;
        if (!live) v('case-not-answering', 'running, but the status query did not answer', caseId);
        else {
          const stepStatuses = Object.values(live.steps).map((st) => st!.status);
          // A settled case still running waits for HR to complete the social-insurance transfer (issue 14).
          const waitsForHr = live.status === 'settled' && live.socialInsuranceTransfer?.status === 'pending';
          const waiting = waitsForHr || (OPEN_CASE.has(live.status) && stepStatuses.every((st) => WAITING_STEP.has(st)));
          if (!waiting) {
            v('case-not-settled-or-waiting', `running as ${live.status} with steps ${stepStatuses.join(',')}`, caseId);
          }
          if ((live.failingCompensations ?? []).length > 0) {
            v('compensation-failing', `failing compensations ${live.failingCompensations.join(',')}`, caseId);
          }
          // An open case's read model is what inboxes list: it must show what the workflow holds.
          if (live.status !== c.status) differences.push(`workflow is ${live.status}, read model says ${c.status}`);
          for (const [d, st] of Object.entries(live.steps)) {
            const shown = c.steps[d as Department]?.status;
            if (shown !== st!.status) differences.push(`${d} step is ${st!.status}, read model says ${shown}`);
          }
        }
      } else {
        v('case-not-settled-or-waiting', `workflow ${wf.status}`, caseId);
      }
    } else if (!ended && !OPEN_CASE.has(c.status)) {
      v('case-not-settled-or-waiting', `read model says ${c.status}`, caseId);
    }
    // A transition's audit lines are written before its projection, by the same activity: a read
    // model older than the newest audited transition lost a projection that did run.
    const newestAudited = Math.max(0, ...audit.map((a) => a.seq ?? 0));
    const regressed = c.seq < newestAudited;
    if (differences.length > 0) {
      const rule = regressed ? 'read-model-regressed' : wf?.status === 'RUNNING' ? 'read-model-stale' : 'read-model-diverges';
      const seqs = regressed ? ` (read model at transition ${c.seq}, transition ${newestAudited} was recorded)` : '';
      v(rule, `${differences.join('; ')}${seqs}`, caseId);
    }

    // ---- notices: exactly once per key; lifecycle notices present
    const notices = noticesByCase.get(caseId) ?? [];
    for (const [k, list] of groupBy(notices, (n) => `${n.event}|${n.channel}|${n.recipient.kind}|${noticeKey(n) ?? n._id}`)) {
      if (list.length > 1)
        v('notice-duplicated', `${list.length}× ${k.replaceAll('|', ' ')}: ${list.map((n) => n._id).join(', ')}`, caseId);
    }
    for (const [k, list] of groupBy(
      notices.filter((n) => ONCE_PER_CASE.has(n.event)),
      (n) => `${n.event}|${n.channel}|${n.recipient.kind}`,
    )) {
      const keys = new Set(list.map((n) => noticeKey(n) ?? n._id));
      if (keys.size > 1)
        v('notice-duplicated', `${k.replaceAll('|', ' ')} under ${keys.size} keys: ${[...keys].join(', ')}`, caseId);
    }
    const channels = c.application.contact.email ? ['sms', 'email'] : ['sms'];
    const applicantHas = (event: string, channel: string) =>
      notices.some((n) => n.event === event && n.channel === channel && n.recipient.kind === 'applicant');
    const due = ['case_received', ...(ended ? [status] : [])];
    for (const event of due) {
      for (const channel of channels) {
        if (!applicantHas(event, channel)) v('notice-missing', `no ${event} notice by ${channel}`, caseId);
      }
    }
    for (const event of ['settled', 'rejected', 'withdrawn', 'terminated']) {
      if (event !== status && notices.some((n) => n.event === event)) {
        v('notice-wrong', `a ${event} notice for a case that is ${status}`, caseId);
      }
    }

    // ---- reservations and registration
    const held = (reservationsByCase.get(caseId) ?? []).filter((r) => r.status === 'held');
    if (ended && status !== 'settled' && held.length > 0) {
      v('reservation-leaked', `${status} case still holds ${held.map((r) => `${r.pool}|${r.item}`).join(', ')}`, caseId);
    }
    if (status === 'settled') {
      // What the case says it holds (its final state, unless the read model regressed).
      const expected = regressed ? [] : c.reservations.filter((r) => r.status === 'held').map((r) => `${r.pool}|${r.item}`);
      const actual = new Set(held.map((r) => `${r.pool}|${r.item}`));
      for (const e of expected) if (!actual.has(e)) v('reservation-missing', `settled case lost ${e}`, caseId);
      if (held.length === 0) v('reservation-missing', 'settled case holds no reservation', caseId);
      if (!registered.has(caseId)) v('registration-missing', 'settled case has no household registration', caseId);
    } else if (registered.has(caseId)) {
      v('registration-unexpected', `a ${status} case has a household registration`, caseId);
    }

    // ---- audit trail
    const count = (type: string, department?: string) =>
      audit.filter((a) => a.type === type && (department === undefined || a.department === department)).length;
    if (count('submitted') !== 1) v('audit-incomplete', `${count('submitted')} submitted events`, caseId);
    for (const [d, st] of Object.entries(c.steps)) {
      const rounds = 1 + count('supplement_requested', d);
      const decisions = count('decision', d);
      if ((st!.status === 'approved' || st!.status === 'rejected') && decisions === 0) {
        // A decision taken in the very moment another department ended the case (fixed: audited when accepted).
        const rule = ended && status !== 'settled' ? 'decision-unaudited' : 'audit-incomplete';
        v(rule, `${d} is ${st!.status} without a decision event`, caseId);
      }
      if (decisions > rounds) v('decision-duplicated', `${decisions} ${d} decisions in ${rounds} round(s)`, caseId);
    }
    // Exactly once (a supplement deadline writes `supplement_expired`, not a second `withdrawn`).
    if (ended && count(status) !== 1)
      v(count(status) === 0 ? 'audit-incomplete' : 'audit-duplicated', `${count(status)} ${status} events`, caseId);
    const noticeLines = new Set(audit.filter((a) => a.type === 'notice').map((a) => String(a.data?.noticeId)));
    for (const n of notices) if (!noticeLines.has(n._id)) v('audit-incomplete', `no audit line for notice ${n._id}`, caseId);
  }

  // ---- one open case per person (§8), applicant or family member, whatever retries the submissions met
  const truth = (c: CaseView) => {
    const wf = s.workflows?.[c._id];
    return wf?.status === 'COMPLETED' ? wf.resultStatus! : (wf?.live?.status ?? c.status);
  };
  const open = s.cases.filter((c) => !TERMINAL_STATUSES.includes(truth(c) as never));
  const openPersons = open.flatMap((c) =>
    [...new Set([c.application.applicant, ...(c.application.family ?? [])].map((p) => p.idNumber))].map((idNumber) => ({
      idNumber,
      c,
    })),
  );
  for (const [, list] of groupBy(openPersons, (p) => p.idNumber)) {
    if (list.length > 1)
      v('duplicate-open-case', `one person, ${list.length} open cases: ${list.map((p) => p.c._id).join(', ')}`);
  }

  // ---- reservations without a case
  for (const [caseId, list] of reservationsByCase) {
    if (!caseById.has(caseId) && list.some((r) => r.status === 'held')) {
      v('reservation-leaked', `held reservations for unknown case: ${list.map((r) => r._id).join(', ')}`, caseId);
    }
  }

  // ---- pools: slots (the use) = held reservations, within the limit
  const heldByPool = groupBy(
    s.reservations.filter((r) => r.status === 'held'),
    (r) => r.pool,
  );
  const slotsByPool = groupBy(s.slots, (sl) => sl.pool);
  const poolIds = new Set([...s.pools.map((p) => p._id), ...heldByPool.keys(), ...slotsByPool.keys()]);
  const poolById = new Map(s.pools.map((p) => [p._id, p]));
  for (const id of poolIds) {
    const pool = poolById.get(id);
    const holders = (heldByPool.get(id) ?? []).map((r) => `${r.caseId}:${r.item}`).sort();
    const slots = (slotsByPool.get(id) ?? []).map((sl) => sl.holder).sort();
    if (!pool) {
      v('pool-missing', `pool ${id} has ${holders.length} held reservations but no pool document`);
      continue;
    }
    if (JSON.stringify(slots) !== JSON.stringify(holders)) {
      v('pool-slots-mismatch', `pool ${id}: slots [${slots.join(', ')}] ≠ held [${holders.join(', ')}]`);
    }
    const used = Math.max(slots.length, holders.length);
    if (typeof pool.limit === 'number' && used > pool.limit)
      v('pool-over-capacity', `pool ${id}: ${used} in use > limit ${pool.limit}`);
  }

  // ---- the departments' registers (issue 14): one police registration per settled person, nothing left for a failed case
  if (s.registerRecords) {
    const recordsByCase = groupBy(
      s.registerRecords.filter((r) => r.caseId !== undefined),
      (r) => r.caseId!,
    );
    for (const c of s.cases) {
      const status = truth(c);
      const records = recordsByCase.get(c._id) ?? [];
      if (status === 'settled') {
        const people = 1 + (c.application.family?.length ?? 0);
        const active = records.filter((r) => r.register === 'household_registration' && r.status === 'active');
        for (let i = 0; i < people; i++) {
          const n = active.filter((r) => r.request?.item === `person-${i}`).length;
          if (n === 0) v('register-record-missing', `no police registration for person ${i}`, c._id);
          if (n > 1) v('register-record-duplicated', `${n} police registrations for person ${i}`, c._id);
        }
        if (active.length > people) v('register-record-duplicated', `${active.length} registrations for ${people} people`, c._id);
      } else if (TERMINAL_STATUSES.includes(status as never)) {
        const left = records.filter((r) => r.status !== 'undone');
        if (left.length > 0)
          v(
            'register-record-leaked',
            `${status} case still has ${left.map((r) => `${r.register}:${r.request?.item ?? '?'}:${r.status}`).join(', ')}`,
            c._id,
          );
      }
    }
  }
  return out;
}

/** Human-readable list, one violation per line, at most `max` lines. */
export function describeViolations(violations: Violation[], max = 40): string {
  const lines = violations.slice(0, max).map((x) => `  [${x.rule}]${x.caseId ? ` ${x.caseId}` : ''}: ${x.detail}`);
  if (violations.length > max) lines.push(`  … and ${violations.length - max} more`);
  return lines.join('\n');
}

const WORKFLOW_STATUS_NAMES = ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT'];

/** Reads everything the checker needs; with a client, Temporal's view of every case too. */
export async function loadSnapshot(mongo: Connection, client?: Client, knownCaseIds: string[] = []): Promise<Snapshot> {
  const lean = { lean: true } as const;
  const [cases, notices, audit, reservations, pools, slots, registrations] = await Promise.all([
    caseModel(mongo).find(
      {},
      { _id: 1, status: 1, seq: 1, steps: 1, reservations: 1, application: 1, failingCompensations: 1 },
      lean,
    ),
    noticeModel(mongo).find({}, { _id: 1, caseId: 1, event: 1, channel: 1, recipient: 1 }, lean),
    auditEventModel(mongo).find({}, { _id: 1, caseId: 1, seq: 1, type: 1, department: 1, data: 1 }, lean),
    reservationModel(mongo).find({}, {}, lean),
    reservationPoolModel(mongo).find({}, { _id: 1, limit: 1 }, lean),
    reservationSlotModel(mongo).find({}, { _id: 1, pool: 1, holder: 1 }, lean),
    registrationModel(mongo).find({}, { _id: 1 }, lean),
  ]);
  // The simulator's own database on the same server (tools/simulator/main.ts): what the departments hold.
  const registerRecords = await registerRecordModel(mongo.useDb('department_systems', { useCache: true })).find(
    {},
    { caseId: 1, register: 1, status: 1, request: 1 },
    lean,
  );
  const ids = new Set([...knownCaseIds, ...cases.map((c) => c._id)]);
  let workflows: Record<string, WorkflowView> | undefined;
  if (client) {
    for await (const wf of client.workflow.list({ query: `WorkflowType = 'settlementCase'` })) {
      ids.add(wf.workflowId.replace(/^SettlementCase:/, ''));
    }
    workflows = {};
    const list = [...ids];
    for (let i = 0; i < list.length; i += 16) {
      await Promise.all(
        list.slice(i, i + 16).map(async (caseId) => {
          workflows![caseId] = await workflowView(client, caseId);
        }),
      );
    }
  }
  return {
    caseIds: [...ids],
    cases: cases as unknown as CaseView[],
    workflows,
    notices: notices as unknown as Snapshot['notices'],
    audit: audit as unknown as Snapshot['audit'],
    reservations: reservations as unknown as Snapshot['reservations'],
    pools: pools as unknown as Snapshot['pools'],
    slots: slots as unknown as Snapshot['slots'],
    registrations: registrations as unknown as Snapshot['registrations'],
    registerRecords: registerRecords as unknown as NonNullable<Snapshot['registerRecords']>,
  };
}

async function workflowView(client: Client, caseId: string): Promise<WorkflowView> {
  const handle = client.workflow.getHandle(settlementCaseWorkflowId(caseId));
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch (err) {
    if ((err as { name?: string }).name === 'WorkflowNotFoundError') return { status: 'NOT_FOUND' };
    throw err;
  }
  if (!WORKFLOW_STATUS_NAMES.includes(status)) return { status };
  if (status === 'COMPLETED') return { status, resultStatus: ((await handle.result()) as { status: string }).status };
  if (status === 'RUNNING') {
    try {
      return { status, live: await handle.query(caseStatusQuery) };
    } catch {
      return { status };
    }
  }
  return { status };
}

// ---- notice delivery (issue 14): exactly one delivered message per notice

/** What the delivery invariant reads: the outbox, what the providers kept, and the proofs of service. */
export interface DeliverySnapshot {
  notices: Array<{ _id: string; caseId: string; channel: string; status: string; attempts?: number }>;
  /** The mail sink's letters (one per Message-ID), with the notice id they carry. */
  letters: Array<{ _id: string; noticeId?: string }>;
  /** The SMS gateway's messages (one per app + SessionContext + phone). */
  texts: Array<{ _id: string; sessionContext: string }>;
  /** `notice_delivered` audit lines. */
  deliveredLines: Array<{ _id: string; caseId: string; data?: Record<string, unknown> }>;
}

/**
 * Every notice that was rendered is delivered, by exactly one message at its provider, with
 * exactly one proof of service; no provider holds a message for a notice we do not have.
 */
export function checkDeliveredOnce(s: DeliverySnapshot): Violation[] {
  const out: Violation[] = [];
  const lettersBy = groupBy(
    s.letters.filter((l) => l.noticeId),
    (l) => l.noticeId!,
  );
  const textsBy = groupBy(s.texts, (t) => t.sessionContext);
  const proofsBy = groupBy(s.deliveredLines, (l) => String(l.data?.noticeId));
  const ids = new Set(s.notices.map((n) => n._id));
  for (const n of s.notices) {
    // A notice that could not be rendered never went out (failed without an attempt): nothing to deliver.
    if (n.status === 'failed' && !n.attempts) continue;
    if (n.status !== 'delivered') out.push({ rule: 'notice-undelivered', caseId: n.caseId, detail: `${n._id} is ${n.status}` });
    const sent = (n.channel === 'email' ? lettersBy : textsBy).get(n._id)?.length ?? 0;
    if (sent !== 1)
      out.push({
        rule: sent === 0 ? 'message-missing' : 'message-duplicated',
        caseId: n.caseId,
        detail: `${sent} ${n.channel} messages for ${n._id}`,
      });
    const proofs = proofsBy.get(n._id)?.length ?? 0;
    if (n.status === 'delivered' && proofs !== 1)
      out.push({ rule: 'proof-of-service', caseId: n.caseId, detail: `${proofs} notice_delivered lines for ${n._id}` });
  }
  for (const [id] of [...lettersBy, ...textsBy])
    if (!ids.has(id)) out.push({ rule: 'message-unexpected', detail: `a provider holds a message for unknown notice ${id}` });
  return out;
}

/** Reads the delivery snapshot: the engine's database, and the mail sink's and the simulator's on the same server. */
export async function loadDeliverySnapshot(mongo: Connection): Promise<DeliverySnapshot> {
  const lean = { lean: true } as const;
  const sink = mongo.useDb('mail_sink', { useCache: true });
  const sim = mongo.useDb('department_systems', { useCache: true });
  const [notices, letters, texts, deliveredLines] = await Promise.all([
    noticeModel(mongo).find({}, { _id: 1, caseId: 1, channel: 1, status: 1, attempts: 1 }, lean),
    sink
      .collection('received_mail')
      .find({}, { projection: { _id: 1, noticeId: 1 } })
      .toArray(),
    sim
      .collection('sms_messages')
      .find({}, { projection: { _id: 1, sessionContext: 1 } })
      .toArray(),
    auditEventModel(mongo).find({ type: 'notice_delivered' }, { _id: 1, caseId: 1, data: 1 }, lean),
  ]);
  return {
    notices: notices as DeliverySnapshot['notices'],
    letters: letters as unknown as DeliverySnapshot['letters'],
    texts: texts as unknown as DeliverySnapshot['texts'],
    deliveredLines: deliveredLines as DeliverySnapshot['deliveredLines'],
  };
}
