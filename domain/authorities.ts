/**
 * Who signs a settlement decision, on which policy item it rests, and where the applicant can
 * challenge it (行政许可法 第三十八条: a refusal is written, reasoned, and names the right to
 * administrative reconsideration or litigation; DOMAIN.md "Case lifecycle": rejected / terminated).
 *
 * The facts are DATA (policy/authorities/*.json, versioned like the points policy) so that a
 * renamed department or a new court is a new file, not a code change. This module holds their
 * types and the pure functions over them: which department issues a letter, the activity input
 * for its document number (文号), the number's format, and the localised facts a letter prints.
 * Pure, so the workflow imports it; the JSON is validated in authorities.parse.ts (zod stays out
 * of the workflow bundle) and read from disk in policy/policy-files.ts.
 */
import type { CaseOutcomeInfo } from './case-state';
import { REJECTION_REASONS, type RejectionReason } from './codes';
import { APPEAL_PERIODS, type AppealPeriods } from './notice-delivery';
import { policyInForceOn, type LocalizedLabel } from './points-policy';
import { shanghaiDay } from './shanghai-clock';
import type { Department, Locale, Route } from './vocabulary';

/** The two decision letters that carry appeal rights and a document number. */
export const LETTER_KINDS = ['rejection', 'termination'] as const;
export type LetterKind = (typeof LETTER_KINDS)[number];

/** The seed document's numbered items (part 三, items 1–29), which DOMAIN.md cites as §N. */
export const SEED_ITEM_COUNT = 29;

/** Reasons the legal-basis table must cover: every rejection reason (domain/codes.ts). */
export type LegalBasisReason = RejectionReason;
export const LEGAL_BASIS_REASONS = REJECTION_REASONS;

export interface DepartmentAuthority {
  /** Official name as it signs a letter, e.g. 西安市公安局. */
  name: LocalizedLabel;
  /** The 字 of its document numbers per letter kind, e.g. 西公户不许字. */
  documentPrefix: Record<LetterKind, string>;
  /** Administrative Reconsideration Law (2023) art. 20: at least 60 days from knowing of the decision. */
  reconsideration: { body: LocalizedLabel; periodDays: number };
  /** Administrative Litigation Law art. 46: at least 6 months from knowing of the decision. */
  litigation: { court: LocalizedLabel; periodMonths: number };
}

/** The seed items a refusal for one reason rests on, per route; optional statutes cited as well. */
export type ReasonBasis = Record<Route, number[]> & { statutes?: LocalizedLabel[] };

export interface Authorities {
  version: string;
  /** First day (YYYY-MM-DD, Asia/Shanghai) on which decisions are issued under this version. */
  effectiveFrom: string;
  /** Who decided these facts (the office accountable for them). */
  setBy: string;
  notes?: string[];
  departments: Record<Department, DepartmentAuthority>;
  legalBasis: {
    /** Title of the seed document. */
    document: LocalizedLabel;
    /** How one item is cited, with `{item}` for its number, e.g. 第三部分第{item}项. */
    item: LocalizedLabel;
    /** The item every decision on a route rests on: §1 town, §2 points. */
    routes: Record<Route, number[]>;
    reasons: Record<LegalBasisReason, ReasonBasis>;
  };
}

/** What `issueDecisionNumber` needs: one number per case and letter kind. */
export interface IssueDecisionNumberInput {
  caseId: string;
  department: Department;
  kind: LetterKind;
  /** ISO instant of the decision; its year in Asia/Shanghai is the number's year. */
  at: string;
}

const LETTER_KIND_OF: Partial<Record<CaseOutcomeInfo['status'], LetterKind>> = {
  rejected: 'rejection',
  terminated: 'termination',
};

/**
 * The department that signs the letter. A rejection is signed by the department whose refusal
 * ended the case (system refusals such as points or quota carry the police, the lead department
 * of §1–2); a supervisor's termination by the police, who run the settlement procedure.
 */
export function issuingDepartment(outcome: {
  status: CaseOutcomeInfo['status'];
  reasons: ReadonlyArray<{ department: Department }>;
}): Department {
  return outcome.status === 'rejected' ? (outcome.reasons[0]?.department ?? 'police') : 'police';
}

/** The activity input for a decision letter's number, or undefined when the ending needs no letter. */
export function decisionNumberRequest(caseId: string, outcome: CaseOutcomeInfo): IssueDecisionNumberInput | undefined {
  const kind = LETTER_KIND_OF[outcome.status];
  if (kind === undefined) return undefined;
  return { caseId, department: issuingDepartment(outcome), kind, at: outcome.at };
}

/**
 * The appeal periods a decision's letter states: its issuing department's, in the authorities in
 * force on the decision's day. When none is in force its letter could not go out either; the
 * statutory periods are then all anyone can be told.
 */
export function appealPeriodsOf(
  all: readonly Authorities[],
  outcome: Pick<CaseOutcomeInfo, 'status' | 'reasons' | 'at'>,
): AppealPeriods {
  const found = policyInForceOn(all, shanghaiDay(outcome.at));
  if (!found) return APPEAL_PERIODS;
  const dept = found.departments[issuingDepartment(outcome)];
  return { reconsiderationDays: dept.reconsideration.periodDays, litigationMonths: dept.litigation.periodMonths };
}

/** The authorities in force at a decision instant (its day in Asia/Shanghai); throws when none is. */
export function authoritiesAt(all: readonly Authorities[], iso: string): Authorities {
  const day = shanghaiDay(iso);
  const found = policyInForceOn(all, day);
  if (!found)
    throw new Error(
      `no authorities data is in force on ${day}: decision letters cannot be numbered (add an authorities file in force from that day)`,
    );
  return found;
}

/** 西公户不许字〔2026〕第000001号: prefix, year in lenticular brackets, six-digit sequence. */
export function formatDocumentNumber(prefix: string, year: string, seq: number): string {
  return `${prefix}〔${year}〕第${String(seq).padStart(6, '0')}号`;
}

/** A document number as formatDocumentNumber writes it (six or more digits once a year passes 999 999). */
export const DOCUMENT_NUMBER = /^[\p{Script=Han}A-Za-z0-9]{1,16}〔\d{4}〕第\d{6,}号$/u;

/** Everything a decision letter prints about authority and basis, in one locale. */
export interface DecisionLetterFacts<R> {
  authority: string;
  reconsiderationBody: string;
  reconsiderationDays: number;
  court: string;
  litigationMonths: number;
  basis: {
    document: string;
    /** The route's item(s) first, then each reason's, without repeats, cited in the locale. */
    items: string[];
    /** The points policy version the case was judged under (points route only). */
    policyVersion?: string;
    /** The day that version took effect, as the letter names it (ISO, Beijing midnight). */
    policyInForceFrom?: string;
    statutes: string[];
  };
  /** The reasons as given, each with the items it rests on. */
  reasons: Array<R & { items: string[] }>;
}

export interface DecisionLetterInput<R extends { code: string }> {
  department: Department;
  route: Route;
  policyVersion?: string;
  /** The day `policyVersion` took effect (YYYY-MM-DD), when known. */
  policyInForceFrom?: string;
  reasons: readonly R[];
}

/**
 * The localised facts of one decision letter. A reason code the table does not know (data older
 * than the code) throws: a letter without its legal basis must not go out.
 */
export function decisionLetterFacts<R extends { code: string }>(
  authorities: Authorities,
  input: DecisionLetterInput<R>,
  locale: Locale,
): DecisionLetterFacts<R> {
  const dept = authorities.departments[input.department];
  const basis = authorities.legalBasis;
  const cite = (item: number): string => basis.item[locale].replace('{item}', String(item));
  const reasonBasis = (code: string): ReasonBasis => {
    if (!Object.prototype.hasOwnProperty.call(basis.reasons, code)) {
      throw new Error(`authorities ${authorities.version} give no legal basis for reason "${code}"`);
    }
    return basis.reasons[code as LegalBasisReason];
  };
  const reasons = input.reasons.map((r) => ({ ...r, items: reasonBasis(r.code)[input.route].map(cite) }));
  const items = [...new Set([...basis.routes[input.route], ...input.reasons.flatMap((r) => reasonBasis(r.code)[input.route])])];
  const statutes = [...new Set(input.reasons.flatMap((r) => (reasonBasis(r.code).statutes ?? []).map((s) => s[locale])))];
  return {
    authority: dept.name[locale],
    reconsiderationBody: dept.reconsideration.body[locale],
    reconsiderationDays: dept.reconsideration.periodDays,
    court: dept.litigation.court[locale],
    litigationMonths: dept.litigation.periodMonths,
    basis: {
      document: basis.document[locale],
      items: items.map(cite),
      ...(input.route === 'points' && input.policyVersion ? { policyVersion: input.policyVersion } : {}),
      ...(input.route === 'points' && input.policyVersion && input.policyInForceFrom
        ? { policyInForceFrom: `${input.policyInForceFrom}T00:00:00+08:00` }
        : {}),
      statutes,
    },
    reasons,
  };
}
