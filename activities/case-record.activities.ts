/**
 * One activity per case transition writes everything that transition changed — read model,
 * audit events, rendered notices — each idempotently, so a retry after a crash changes nothing
 * twice and a case's history stays short (one activity instead of three per transition).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { trusted, type Connection } from 'mongoose';
import { applyDelta, deltaUpdatePaths, READ_MODEL_BEHIND, type CaseDelta } from '../domain/case-delta';
import type { CaseState } from '../domain/case-state';
import { readModelFields, summarize, type ReadModelFields } from '../domain/case-summary';
import { settlementCaseWorkflowId } from '../workflows/settlement-case/messages';
import type { Channel, Locale } from '../domain/vocabulary';
import type { AuditEntry } from '../domain/audit';
import { auditEventModel } from '../models/audit-event.model';
import { caseModel, type CaseDoc } from '../models/case.model';
import { writeCaseFacts, writeNewCaseFacts } from '../models/case-fact.model';
import { isDuplicateKey } from '../models/duplicate-key';
import { insertNew } from '../models/insert-new';
import { noticeModel, type NoticeRecipient } from '../models/notice.model';
import type { NoticeAddressee, NoticeRequest } from '../domain/notice-request';
import { noticeId } from '../domain/notice-delivery';
import { NoticeDataError, type NoticeRenderer, type RenderedNotice } from './notifications/renderer';
import { loadDepartmentContacts, staffAddress, type DepartmentContacts } from '../policy/department-contacts';

/** A transition with the whole state: a case's first, and every transition of cases started before `delta-transitions`. */
export interface CaseStateTransition {
  seq: number;
  state: CaseState;
  audit: AuditEntry[];
  notices: NoticeRequest[];
  /** When the transition was made, if not at the state's `lastProgressAt` (a reminder or escalation is not progress). */
  at?: string;
}

/**
 * A transition as what changed since transition `baseSeq`, which the workflow wrote before it
 * (`delta-transitions`): the projection at `baseSeq` plus `changes` is the state at `seq`.
 */
export interface CaseDeltaTransition {
  caseId: string;
  seq: number;
  baseSeq: number;
  changes: CaseDelta;
  /** The read model's filter fields at `seq` (the workflow has them from its search attributes). */
  fields: ReadModelFields;
  /** The state's `lastProgressAt` at `seq` (also in `changes` when it moved): the audit lines' date, unless `at` is given. */
  lastProgressAt: string;
  /** When the transition was made, if not at `lastProgressAt` (a reminder or escalation is not progress). */
  at?: string;
  /** Where the applicant's notices go; present when `notices` is not empty. */
  contact?: CaseState['application']['contact'];
  audit: AuditEntry[];
  notices: NoticeRequest[];
}

export type CaseTransitionInput = CaseStateTransition | CaseDeltaTransition;

type Contact = CaseState['application']['contact'];

export interface CaseRecordDeps {
  mongo: Connection;
  renderer: NoticeRenderer;
  /** Where staff notices go (issue 14), as the table is now; default policy/department-contacts.json. */
  contacts?: () => DepartmentContacts;
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
    ...storedFields(readModelFields(state, summary), state.lastProgressAt),
  };
}

/** The filter fields as the read model stores them (instants as dates, which its indexes sort). */
function storedFields(fields: ReadModelFields, lastProgressAt: string) {
  return {
    ...fields,
    supplementDueAt: fields.supplementDueAt ? new Date(fields.supplementDueAt) : null,
    lastProgressDate: new Date(lastProgressAt),
  };
}

export function createCaseRecordActivities({ mongo, renderer, contacts = () => loadDepartmentContacts() }: CaseRecordDeps) {
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

  /**
   * Applies a delta to the projection it was computed from, in one conditional update. The
   * result is the state at `seq` (for notices and facts), `written` as in `project`. A projection
   * at another transition than `baseSeq` and older than `seq` cannot take the delta: a
   * non-retryable `ReadModelBehind`, on which the workflow sends the whole state.
   */
  async function projectDelta(t: CaseDeltaTransition): Promise<{ written: boolean; state: CaseState; before?: CaseState }> {
    const { set, unset } = deltaUpdatePaths(t.changes);
    const update = {
      $set: { ...set, ...storedFields(t.fields, t.lastProgressAt), seq: t.seq },
      ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
    };
    const before = await cases
      .findOneAndUpdate({ _id: t.caseId, seq: t.baseSeq }, update, { returnDocument: 'before' })
      .lean<CaseDoc>();
    if (before) return { written: true, before, state: applyDelta(before, t.changes) };
    // Nothing at baseSeq: an earlier attempt of this transition applied it, a newer one won, or the
    // read model lost what the delta builds on.
    const stored = await cases.findById(t.caseId).lean<CaseDoc>();
    if (stored && stored.seq >= t.seq) return { written: stored.seq === t.seq, state: stored };
    throw ApplicationFailure.nonRetryable(
      `case ${t.caseId}: the read model holds ${stored ? `transition ${stored.seq}` : 'no projection'}, not transition ${t.baseSeq} that transition ${t.seq}'s changes apply to`,
      READ_MODEL_BEHIND,
    );
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
    contact: Contact | undefined,
  ): Array<{ channel: Channel; locale: Locale; recipient: NoticeRecipient }> {
    if (to.kind === 'applicant') {
      // A delta transition carries the contact whenever it has notices (workflows/settlement-case/case-run.ts).
      if (!contact) throw new Error("an applicant notice without the applicant's contact");
      const out: Array<{ channel: Channel; locale: Locale; recipient: NoticeRecipient }> = [
        { channel: 'sms', locale: contact.locale, recipient: { kind: 'applicant', address: contact.phone } },
      ];
      if (contact.email)
        out.push({ channel: 'email', locale: contact.locale, recipient: { kind: 'applicant', address: contact.email } });
      return out;
    }
    // Staff notices go to the department's / supervisors' desk from the contact table, in Chinese.
    return (['sms', 'email'] as const).map((channel) => {
      const address = staffAddress(contacts(), to, channel);
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
    locale: Locale,
  ): Record<Channel, RenderedNotice & { status: 'queued' | 'failed' }> {
    try {
      const both = renderer.renderChannels(req.event, locale, req.data as never);
      return { sms: { ...both.sms, status: 'queued' }, email: { ...both.email, status: 'queued' } };
    } catch (err) {
      if (!(err instanceof NoticeDataError)) throw err;
      const failed = { subject: `${req.event} (not rendered)`, body: err.message, status: 'failed' as const };
      return { sms: failed, email: failed };
    }
  }

  /** Stores the transition's notices, rendered, in one round trip; returns their audit lines (dated `at`). */
  async function queueNotices(
    caseId: string,
    requests: NoticeRequest[],
    contact: Contact | undefined,
    at: string,
  ): Promise<AuditEntry[]> {
    const audit: AuditEntry[] = [];
    const documents: Array<Record<string, unknown>> = [];
    for (const req of requests) {
      // One rendering per locale serves every channel the notice goes by.
      const byLocale = new Map<Locale, ReturnType<typeof renderOrExplain>>();
      for (const { channel, locale, recipient } of addressesFor(req.to, contact)) {
        const id = noticeId({ caseId, event: req.event, key: req.key, channel, recipient: recipient.kind });
        let channels = byLocale.get(locale);
        if (!channels) byLocale.set(locale, (channels = renderOrExplain(req, locale)));
        const rendered = channels[channel];
        const createdAt = new Date();
        documents.push({
          _id: id,
          caseId,
          event: req.event,
          channel,
          locale,
          recipient,
          subject: rendered.subject,
          body: rendered.body,
          status: rendered.status,
          // What the provider is asked to send (its approved template and variables), and the full
          // notice the text points to, which the service platform shows.
          // Staff read their letters by email: only an applicant's SMS keeps one.
          ...(rendered.sms ? { templateId: rendered.sms.templateId, templateParams: rendered.sms.params } : {}),
          ...(rendered.sms && recipient.kind === 'applicant' ? { letter: rendered.sms.letter } : {}),
          createdAt,
          // Due at once: the dispatcher of its channel takes it (issue 14).
          nextAttemptAt: createdAt,
          attempts: 0,
        });
        // Written on every attempt (keyed by the notice id), so a crash between the two writes loses nothing.
        audit.push({
          type: 'notice',
          at,
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
      if (!('state' in input)) {
        const noticeAudit = await queueNotices(input.caseId, input.notices, input.contact, input.at ?? input.lastProgressAt);
        await appendAudit(input.caseId, input.seq, input.audit, noticeAudit);
        const { written, state, before } = await projectDelta(input);
        if (!written) return;
        if (before) await writeNewCaseFacts(mongo, { state, seq: input.seq }, before);
        else await writeCaseFacts(mongo, { state, seq: input.seq });
        return;
      }
      const { state, seq } = input;
      const noticeAudit = await queueNotices(
        state.caseId,
        input.notices,
        state.application.contact,
        input.at ?? state.lastProgressAt,
      );
      await appendAudit(state.caseId, seq, input.audit, noticeAudit);
      // The dashboard's facts follow the projection: an older transition retried late does not
      // overwrite a newer one's (a supplement answered since, say), a retry of this one does
      // (all of them: the attempt that projected may have stopped before its facts).
      const { written, before } = await project(seq, state);
      if (!written) return;
      if (before) await writeNewCaseFacts(mongo, { state, seq }, before);
      else await writeCaseFacts(mongo, { state, seq });
    },
  };
}
