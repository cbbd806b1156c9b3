/**
 * The parameters of each notice's SMS (issue 14 left these at the case number alone). A mainland
 * SMS provider sends only the texts it approved, each with numbered variables ({1}, {2}…) filled
 * from `TemplateParamSet`: so the deadline, the decision's document number or the rank reach the
 * phone only as parameters. Each event's list is named here, in order; the approved texts
 * (policy/sms-templates.json, one per event and locale) must use exactly that many variables,
 * which the template table's loader checks.
 *
 * Values come from the notice's data as the renderer validated and cleaned it, worded in the
 * notice's locale as its own text words them (dates in Beijing time, codes through the labels).
 * Kept short: providers cap a variable's length, so free text (supplement items, reasons) stays
 * in the full notice on the service platform, and the SMS points there.
 */
import { maskName } from '../domain/masking';
import { label } from '../i18n/labels';
import { localOffice } from '../i18n/local-office';
import { roundName, shanghaiDate, shanghaiDateTime } from '../i18n/formats';
import type { Locale, NoticeEvent } from '../domain/vocabulary';
import type { ParsedNoticeData } from './schemas';

/** A decision letter's appeal periods, as the authorities in force on its day set them. */
export interface AppealPeriods {
  reconsiderationDays: number;
  litigationMonths: number;
}

interface ParamSpec<E extends NoticeEvent> {
  /** What each variable holds, {1} first: the approved texts are checked against its length. */
  names: readonly string[];
  values(d: ParsedNoticeData<E>, locale: Locale, appeal: AppealPeriods | undefined): string[];
}

const words = (locale: Locale, zh: string, en: string) => (locale === 'zh-CN' ? zh : en);

/**
 * A child as the SMS names it: masked (张小明 → 张**). The SMS provider is a processor outside the
 * city's systems and a minor's name is sensitive personal information (PIPL §28, §31): the text
 * only points the family to the full notice on the service platform, which names the child.
 */
const smsChildName = (name: string): string => maskName(name);

/**
 * A supplement deadline as the SMS says it: Beijing time, and provisional when it was counted into
 * a year without a holiday calendar. The caveat rides in the variable, so a firm deadline reads
 * without it and a provisional one never reaches a phone as if it were firm.
 */
function deadlineText(at: string, provisional: boolean | undefined, l: Locale): string {
  const day = shanghaiDateTime(at, l);
  return provisional
    ? words(l, `${day}（北京时间，暂定）`, `${day} (Beijing time; provisional)`)
    : words(l, `${day}（北京时间）`, `${day} (Beijing time)`);
}

const supplementDeadline = (d: ParsedNoticeData<'supplement_requested'>, l: Locale): string =>
  deadlineText(d.deadline, d.deadlineProvisional, l);

/**
 * A decision's SMS: its number, and the appeal periods from receipt, which a refused applicant
 * must not first learn of on the platform.
 */
function decisionParams(d: ParsedNoticeData<'rejected' | 'terminated'>, _l: Locale, appeal: AppealPeriods | undefined): string[] {
  if (!appeal) throw new Error('a decision letter without its appeal periods');
  return [d.caseNumber, d.documentNumber, String(appeal.reconsiderationDays), String(appeal.litigationMonths)];
}

export const SMS_PARAMS: { readonly [E in NoticeEvent]: ParamSpec<E> } = {
  case_received: { names: ['caseNumber'], values: (d) => [d.caseNumber] },
  supplement_requested: {
    names: ['caseNumber', 'deadline', 'department'],
    // The counter is the office serving the case's area, as the letter names it (i18n/local-office.ts).
    values: (d, l) => [
      d.caseNumber,
      supplementDeadline(d, l),
      d.area ? localOffice(d.department, d.area, l) : label('department', d.department, l),
    ],
  },
  supplement_reminder: {
    names: ['caseNumber', 'deadline'],
    values: (d, l) => [d.caseNumber, supplementDeadline(d, l)],
  },
  officer_reminder: {
    names: ['department', 'caseNumber', 'dueAt'],
    values: (d, l) => [label('department', d.department, l), d.caseNumber, deadlineText(d.dueAt, d.dueProvisional, l)],
  },
  escalation: {
    names: ['caseNumber', 'department', 'what'],
    values: (d, l) => [
      d.caseNumber,
      label('department', d.department, l),
      d.manual
        ? words(l, '督办人员提请督办', 'escalated by a supervisor')
        : d.waitingOn === 'department_system'
          ? words(
              l,
              `自${shanghaiDateTime(d.overdueSince, l)}起系统步骤多次失败`,
              `waiting on a system step failing repeatedly since ${shanghaiDateTime(d.overdueSince, l)}`,
            )
          : words(
              l,
              `自${shanghaiDateTime(d.overdueSince, l)}起逾期未办`,
              `overdue since ${shanghaiDateTime(d.overdueSince, l)}`,
            ),
    ],
  },
  school_place_waiting: {
    names: ['caseNumber', 'childName', 'schoolLevel', 'dueAt'],
    values: (d, l) => [
      d.caseNumber,
      smsChildName(d.child.name),
      words(
        l,
        `${label('area', d.child.area, l)}${label('schoolLevel', d.child.schoolLevel, l)}`,
        `${label('area', d.child.area, l)} ${label('schoolLevel', d.child.schoolLevel, l)}`,
      ),
      deadlineText(d.child.dueAt, d.dueProvisional, l),
    ],
  },
  school_place_confirmed: {
    names: ['caseNumber', 'childName'],
    values: (d) => [d.caseNumber, smsChildName(d.child.name)],
  },
  settled: {
    names: ['caseNumber', 'householdType'],
    // §3: one household type for everyone, named as the register names it, in English too.
    values: (d, l) => [
      d.caseNumber,
      d.collectiveHousehold
        ? words(l, '居民户口（集体户）', 'resident household (居民户口, collective)')
        : words(l, '居民户口', 'resident household (居民户口)'),
    ],
  },
  rejected: { names: ['caseNumber', 'documentNumber', 'reconsiderationDays', 'litigationMonths'], values: decisionParams },
  terminated: { names: ['caseNumber', 'documentNumber', 'reconsiderationDays', 'litigationMonths'], values: decisionParams },
  withdrawn: {
    names: ['caseNumber', 'withdrawnOn', 'how'],
    // "于{2}{3}": a verb after the date (于12月6日撤回), not a perfect (于12月6日已撤回 reads wrong).
    values: (d, l) => [
      d.caseNumber,
      shanghaiDate(d.withdrawnAt, l),
      d.lapsed
        ? words(l, '补正期限届满，视为撤回', 'treated as withdrawn, as the supplement deadline passed')
        : words(l, '撤回', 'withdrawn'),
    ],
  },
  reservations_released: {
    names: ['caseNumber', 'releasedOn'],
    values: (d, l) => [d.caseNumber, shanghaiDate(d.releasedAt, l)],
  },
  round_joined: {
    names: ['caseNumber', 'roundId', 'score', 'closesOn'],
    values: (d, l) => [d.caseNumber, roundName(d.roundId, l), String(d.score), shanghaiDate(`${d.closesOn}T12:00:00+08:00`, l)],
  },
  round_ranked: {
    names: ['caseNumber', 'roundId', 'score', 'rank', 'result', 'noticeEndsOn'],
    values: (d, l) => [
      d.caseNumber,
      roundName(d.roundId, l),
      String(d.score),
      String(d.rank),
      d.admitted
        ? words(l, '已列为拟落户人员', 'provisionally admitted, subject to the public notice')
        : d.cutoff === undefined
          ? words(l, '本批次未获拟落户资格', 'not admitted in this round')
          : words(
              l,
              `本批次未获拟落户资格（最低拟落户积分${d.cutoff}分）`,
              `not admitted in this round (cut-off score ${d.cutoff})`,
            ),
      d.noticeEndsProvisional
        ? words(l, `${shanghaiDate(d.noticeEndsAt, l)}（暂定）`, `${shanghaiDate(d.noticeEndsAt, l)} (provisional)`)
        : shanghaiDate(d.noticeEndsAt, l),
    ],
  },
  round_result: {
    names: ['roundId', 'caseNumber', 'rank', 'result'],
    values: (d, l) => [
      roundName(d.roundId, l),
      d.caseNumber,
      String(d.rank),
      d.admitted
        ? words(l, '已列入落户人员名单，将办理落户登记', 'admitted; your registration will now proceed')
        : d.cutoff === undefined
          ? words(l, '本批次未获落户，申请继续有效', 'not admitted; your application goes on to the next round')
          : words(
              l,
              `本批次未获落户（最低落户积分${d.cutoff}分），申请继续有效`,
              `not admitted (cut-off score ${d.cutoff}); on to the next round`,
            ),
    ],
  },
  social_insurance_transferred: {
    names: ['caseNumber', 'transferredOn'],
    values: (d, l) => [d.caseNumber, shanghaiDate(d.transferredAt, l)],
  },
};

/** The SMS variables of a notice, {1} first, from its validated data (and a decision letter's periods). */
export function smsParams<E extends NoticeEvent>(
  event: E,
  data: ParsedNoticeData<E>,
  locale: Locale,
  appeal?: AppealPeriods,
): string[] {
  return (SMS_PARAMS[event] as ParamSpec<E>).values(data, locale, appeal);
}

/** The numbered variables an approved text uses, e.g. 2 for "…{1}…{2}…". */
export function variablesIn(text: string): number[] {
  return [...text.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
}

/** An approved text with its variables filled, as the provider delivers it. */
export function fillSmsText(text: string, params: readonly string[]): string {
  return text.replace(/\{(\d+)\}/g, (whole, n: string) => params[Number(n) - 1] ?? whole);
}
