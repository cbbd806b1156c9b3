/**
 * The one domain vocabulary shared by workflows, activities and the API.
 * Pure data and types only: workflow code imports this module, so it must stay deterministic
 * (no Node built-ins, no I/O, no clocks).
 */

import { DEPARTMENT_TABLE } from './departments';

export const DEPARTMENTS = ['police', 'hrss', 'housing', 'education'] as const;
/** police = 市公安局, hrss = 市人社局 (human resources & social security), housing = 市房管局, education = 市教育局 */
export type Department = (typeof DEPARTMENTS)[number];

/** town = 建制镇落户 (§1); points = 市辖区积分落户 (§2). Collective household (§16) is a variant of either. */
export const ROUTES = ['town', 'points'] as const;
export type Route = (typeof ROUTES)[number];

/** Designated towns of §1 (county-seat towns of Lantian, Huyi, Zhouzhi counties and other designated towns). */
export const TOWNS = ['lantian', 'huyi', 'zhouzhi'] as const;
export type Town = (typeof TOWNS)[number];

/** City districts of the points route (§2). Quotas per district live in the points policy data. */
export const DISTRICTS = [
  'xincheng',
  'beilin',
  'lianhu',
  'baqiao',
  'weiyang',
  'yanta',
  'yanliang',
  'lintong',
  'changan',
  'gaoling',
] as const;
export type District = (typeof DISTRICTS)[number];

/** Every area a case can name: the districts (§2) and the towns (§1). */
export const AREAS = [...DISTRICTS, ...TOWNS] as const;

export function isAreaCode(s: string): s is District | Town {
  return (AREAS as readonly string[]).includes(s);
}

/** What an applicant sees (DOMAIN.md "Case lifecycle"). */
export const CASE_STATUSES = [
  'submitted',
  'under_review',
  'supplement_requested',
  'approved',
  /** Points route: approved by every department, waiting for its admission round (issue 13). */
  'awaiting_round',
  'registering',
  'settled',
  'rejected',
  'withdrawn',
  'terminated',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const TERMINAL_STATUSES: readonly CaseStatus[] = ['settled', 'rejected', 'withdrawn', 'terminated'];

/** State of one department step. */
export const STEP_STATUSES = [
  'pending',
  'checking',
  'check_failed',
  'awaiting_decision',
  'supplement_requested',
  'approved',
  'rejected',
  'not_required',
  'cancelled',
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const RELATIONS = ['applicant', 'spouse', 'child', 'parent', 'other'] as const;
export type Relation = (typeof RELATIONS)[number];

export const SCHOOL_LEVELS = ['kindergarten', 'primary', 'junior_secondary'] as const;
export type SchoolLevel = (typeof SCHOOL_LEVELS)[number];

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const CHANNELS = ['sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Every lifecycle event that sends a notice (DOMAIN.md "Notifications"). */
export const NOTICE_EVENTS = [
  'case_received',
  'supplement_requested',
  'supplement_reminder',
  'officer_reminder',
  'escalation',
  'settled',
  'rejected',
  'terminated',
  'withdrawn',
  'reservations_released',
  /** A child joined its area's waiting list for a school place (§21–23): the family learns it that day. */
  'school_place_waiting',
  'school_place_confirmed',
  /** A points case, approved by every department, joined its district's admission round (issue 13). */
  'round_joined',
  /** A points case's round closed: its rank, admitted (provisionally, during 公示) or not (issue 13). */
  'round_ranked',
  /** The round's public notice is over: admitted, or not and when the next round opens. */
  'round_result',
  /** HR completed the settled applicant's social-insurance transfer (§25, issue 14). */
  'social_insurance_transferred',
] as const;
export type NoticeEvent = (typeof NOTICE_EVENTS)[number];

export const ROLES = ['applicant', 'officer', 'supervisor', 'system'] as const;
export type Role = (typeof ROLES)[number];

/** Every registration is the unified resident household type (§3). There is no other value. */
export const HOUSEHOLD_TYPE = '居民户口' as const;

export interface Person {
  /** Citizen ID number (公民身份号码, GB 11643-1999), the unique person key (§8). */
  idNumber: string;
  name: string;
  relation: Relation;
  /** Only for children who need a kindergarten / school place (§21–23). */
  schoolLevel?: SchoolLevel;
}

export interface Contact {
  phone: string;
  email?: string;
  locale: Locale;
}

export interface Application {
  route: Route;
  /** Points route: the city district. */
  district?: District;
  /** Town route: the designated town. */
  town?: Town;
  applicant: Person;
  /** Co-residing family members who settle with the applicant (§1). */
  family: Person[];
  contact: Contact;
}

/** Everyone the application names, in `personIndex` order: the applicant (0), then the family (1, 2, …). */
export function peopleOf(app: Pick<Application, 'applicant' | 'family'>): Person[] {
  return [app.applicant, ...app.family];
}

/** The person a `personIndex` names (a reservation's, a school placement's), if there is one. */
export function personAt(app: Pick<Application, 'applicant' | 'family'>, personIndex: number): Person | undefined {
  return peopleOf(app)[personIndex];
}

/** Which departments take part in a case (§1, §2, §21–23), in the table's order. */
export function departmentsFor(app: Pick<Application, 'route' | 'family'>): Department[] {
  return DEPARTMENTS.filter((d) => DEPARTMENT_TABLE[d].takesPart(app));
}

/**
 * The keys that hold a person's identity at any depth of a record: sealed in every collection
 * (models/sealed-fields.plugin.ts) and replaced when a case file is anonymised (domain/retention.ts).
 */
export const PERSONAL_KEYS = ['idNumber', 'name', 'phone', 'email'] as const;
