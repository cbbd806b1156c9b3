/**
 * One activity per case transition writes everything that transition changed — read model,
 * audit events, rendered notices — each idempotently, so a retry after a crash changes nothing
 * twice and a case's history stays short (one activity instead of three per transition).
 */
import { trusted, type Connection } from 'mongoose';
import type { CaseState } from '../domain/case-state';
import { summarize } from '../domain/case-summary';
import { settlementCaseWorkflowId } from '../workflows/settlement-case/messages';
import { TERMINAL_STATUSES, type Channel, type Locale } from '../domain/vocabulary';
import type { AuditEntry } from '../domain/audit';
import { auditEventModel } from '../models/audit-event.model';
import { caseModel, type CaseDoc } from '../models/case.model';
import { writeCaseFacts, writeNewCaseFacts } from '../models/case-fact.model';
import { isDuplicateKey } from '../models/duplicate-key';
import { insertNew } from '../models/insert-new';
import { noticeModel, type NoticeRecipient } from '../models/notice.model';
import type { NoticeAddressee, NoticeRequest } from '../domain/notice-request';
import { NoticeDataError, type NoticeRenderer } from './notifications/renderer';
import { loadDepartmentContacts, staffAddress, type DepartmentContacts } from '../policy/department-contacts';

export interface CaseTransitionInput {
  seq: number;
  state: CaseState;
  audit: AuditEntry[];
  notices: NoticeRequest[];
}

export interface CaseRecordDeps {
  mongo: Connection;
  renderer: NoticeRenderer;
  /** Where staff notices go (issue 14); default policy/department-contacts.json. */
  contacts?: DepartmentContacts;
}

/** The read model's document of a case at transition `seq` (also what the bench seeds). */
export function caseDocOf(seq: number, state: CaseState): CaseDoc {
  const summary = summarize(state);
  return {
    ...state,
    _id: state.caseId,
    workflowId: settlementCaseWorkflowId(state.caseId),
    seq,
    route: state.application.route,
    area: summary.area,
    pendingDepartments: summary.pendingDepartments,
    overdueDepartments: summary.overdueDepartments,
    failingChecks: summary.failingChecks,
    overdue: summary.overdue,
    open: !TERMINAL_STATUSES.includes(state.status) || summary.childrenWaiting > 0 || summary.transferOverdue,
    childrenWaiting: summary.childrenWaiting,
    supplementDueAt: summary.supplementDueAt ? new Date(summary.supplementDueAt) : null,
    lastProgressDate: new Date(state.lastProgressAt),
  };
}

export function createCaseRecordActivities({ mongo, renderer, contacts = loadDepartmentContacts() }: CaseRecordDeps) {
  const cases = caseModel(mongo);
  const auditEvents = auditEventModel(mongo);
  const notices = noticeModel(mongo);

  /**
   * Writes the projection. `written` is true when `seq` is what the read model now holds (written
   * now, or by an earlier attempt of this same transition), false when a newer transition already
   * won; `before` is the projection it replaced, when it replaced one.
   */
  async function project(seq: number, state: CaseState): Promise<{ written: boolean; before?: CaseState }> {
    const doc = caseDocOf(seq, state);
    // Newer transitions win: an older one retried late matches nothing and changes nothing.
    const before = await cases
      .findOneAndReplace({ _id: state.caseId, seq: trusted({ $lt: seq }) }, doc, { returnDocument: 'before' })
      .lean<CaseState>();
    if (before) return { written: true, before };
    try {
      await cases.create(doc);
      return { written: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Fine only if it is this case's own document at an equal or newer seq; a clash on another
      // unique key (the case number) must not lose the projection silently, so it is retried.
      const stored = await cases.findById(state.caseId, { seq: 1 }).lean();
      if (!stored || stored.seq < seq) throw err;
      return { written: stored.seq === seq };
    }
  }

  /** Every audit line of a transition: its numbered lines, then one per notice (keyed by the notice id). */
  async function appendAudit(caseId: string, seq: number, entries: AuditEntry[], noticeAudit: AuditEntry[]): Promise<void> {
    const line = (e: AuditEntry, _id: string, n: number) => ({ ...e, _id, caseId, seq, n });
    await insertNew(auditEvents, [
      ...entries.map((e, n) => line(e, `${caseId}:${seq}:${n}`, n)),
      ...noticeAudit.map((e) => line(e, `${caseId}:${seq}:${String(e.data?.noticeId)}`, 1000)),
    ]);
  }

  function addressesFor(
    to: NoticeAddressee,
    state: CaseState,
  ): Array<{ channel: Channel; locale: Locale; recipient: NoticeRecipient }> {
    const contact = state.application.contact;
    if (to.kind === 'applicant') {
      const out: Array<{ channel: Channel; locale: Locale; recipient: NoticeRecipient }> = [
        { channel: 'sms', locale: contact.locale, recipient: { kind: 'applicant', address: contact.phone } },
      ];
      if (contact.email)
        out.push({ channel: 'email', locale: contact.locale, recipient: { kind: 'applicant', address: contact.email } });
      return out;
    }
    // Staff notices go to the department's / supervisors' desk from the contact table, in Chinese.
    return (['sms', 'email'] as const).map((channel) => {
      const address = staffAddress(contacts, to, channel);
      const recipient: NoticeRecipient =
        to.kind === 'department' ? { kind: 'department', department: to.department, address } : { kind: 'supervisors', address };
      return { channel, locale: 'zh-CN' as const, recipient };
    });
  }

  /**
   * Data that does not fit its template will never render, however often the activity is
   * retried: retrying would stall the whole case (its state, audit and every later notice) on
   * one notice. Such a notice is kept as `failed`, with the schema's complaint (field names,
   * never values) as its body, and audited, so supervisors see it. Anything else (a template
   * missing from a broken deployment) is retried.
   */
  function renderOrExplain(
    req: NoticeRequest,
    channel: Channel,
    locale: Locale,
  ): { subject: string; body: string; status: 'queued' | 'failed' } {
    try {
      return { ...renderer.render(req.event, channel, locale, req.data as never), status: 'queued' };
    } catch (err) {
      if (!(err instanceof NoticeDataError)) throw err;
      return { subject: `${req.event} (not rendered)`, body: err.message, status: 'failed' };
    }
  }

  /** Stores the transition's notices, rendered, in one round trip; returns their audit lines. */
  async function queueNotices(caseId: string, requests: NoticeRequest[], state: CaseState): Promise<AuditEntry[]> {
    const audit: AuditEntry[] = [];
    const documents: Array<Record<string, unknown>> = [];
    for (const req of requests) {
      for (const { channel, locale, recipient } of addressesFor(req.to, state)) {
        const id = `${caseId}:${req.event}:${req.key}:${channel}:${recipient.kind}`;
        const rendered = renderOrExplain(req, channel, locale);
        const createdAt = new Date();
        // The SMS template's parameter is the case number; the rendered text is kept beside it.
        const caseNumber = (req.data as { caseNumber?: unknown }).caseNumber;
        documents.push({
          _id: id,
          caseId,
          event: req.event,
          channel,
          locale,
          recipient,
          ...rendered,
          ...(channel === 'sms' ? { templateParams: typeof caseNumber === 'string' ? [caseNumber] : [] } : {}),
          createdAt,
          // Due at once: the dispatcher of its channel takes it (issue 14).
          nextAttemptAt: createdAt,
          attempts: 0,
        });
        // Written on every attempt (keyed by the notice id), so a crash between the two writes loses nothing.
        audit.push({
          type: 'notice',
          at: state.lastProgressAt,
          actor: { id: 'system', role: 'system' },
          what: rendered.status === 'queued' ? `${req.event} notice queued` : `${req.event} notice could not be rendered`,
          ...(rendered.status === 'failed' ? { why: rendered.body } : {}),
          data: { noticeId: id, channel, recipient: recipient.kind },
        });
      }
    }
    await insertNew(notices, documents);
    return audit;
  }

  return {
    async recordCaseTransition(input: CaseTransitionInput): Promise<void> {
      const { state, seq } = input;
      const noticeAudit = await queueNotices(state.caseId, input.notices, state);
      await appendAudit(state.caseId, seq, input.audit, noticeAudit);
      // The dashboard's facts follow the projection: an older transition retried late does not
      // overwrite a newer one's (a supplement answered since, say), a retry of this one does
      // (all of them: the attempt that projected may have stopped before its facts).
      const { written, before } = await project(seq, state);
      if (!written) return;
      if (before) await writeNewCaseFacts(mongo, state, before);
      else await writeCaseFacts(mongo, state);
    },
  };
}
