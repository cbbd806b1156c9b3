/**
 * The department table (DOMAIN.md "Departments and what each checks"): one typed row per
 * department saying when it takes part, whom its automated lookup asks about, what its approval
 * commits (and so what compensation undoes), what its officer may see, and its officer SLA's
 * configuration variable. The workflow, the API's views, the labels and the configuration read
 * it; adding a department starts here (docs/adding-a-department.md).
 *
 * Pure data: workflow code imports this module.
 */
import type { ReservationKind } from './codes';
import type { Application, Department, Locale } from './vocabulary';

export interface DepartmentProfile {
  /** How letters and pages name it. */
  name: Record<Locale, string>;
  /** When it takes part: always, on the points route, or when children need places (§21–23). */
  takesPart: (app: Pick<Application, 'route' | 'family'>) => boolean;
  /** Whom its lookup asks about: police verify every identity (§8); the others the applicant. */
  looksUp: 'everyone' | 'applicant';
  /** What its approval commits (each undone by compensation if the case does not settle). */
  commits: readonly ReservationKind[];
  /** Which persons its officer sees (data minimisation), and with full ID numbers or masked. */
  officerSees: 'everyone' | 'applicant' | 'applicant_and_children';
  fullIdNumbers: boolean;
  /** Whether its officer sees the children's school levels: only the department that finds them places. */
  seesSchoolLevels: boolean;
  /**
   * Whether its officer sees the points breakdown (§2): the department that decides on the score,
   * whose recommendation rests on every indicator's points, the other departments' too.
   */
  seesScore: boolean;
  /** The configuration variable of its officer's decision deadline. */
  slaVariable: 'SLA_POLICE_MS' | 'SLA_HRSS_MS' | 'SLA_HOUSING_MS' | 'SLA_EDUCATION_MS';
  /** The same deadline in working days, the statutory clock's (DEADLINE_CLOCK=working-days). */
  slaWorkingDaysVariable:
    'SLA_POLICE_WORKING_DAYS' | 'SLA_HRSS_WORKING_DAYS' | 'SLA_HOUSING_WORKING_DAYS' | 'SLA_EDUCATION_WORKING_DAYS';
  /** The applicant's deadline on this department's supplement request, in working days (unset: the global one). */
  supplementWorkingDaysVariable:
    | 'SUPPLEMENT_POLICE_WORKING_DAYS'
    | 'SUPPLEMENT_HRSS_WORKING_DAYS'
    | 'SUPPLEMENT_HOUSING_WORKING_DAYS'
    | 'SUPPLEMENT_EDUCATION_WORKING_DAYS';
}

const hasChildren = (app: Pick<Application, 'family'>) =>
  app.family.some((p) => p.relation === 'child' && p.schoolLevel !== undefined);

export const DEPARTMENT_TABLE: { readonly [D in Department]: DepartmentProfile } = {
  // 市公安局: lead for hukou; identity (§8), criminal / credit record, residence years (§5, §7).
  police: {
    name: { 'zh-CN': '市公安局', en: 'Public Security Bureau' },
    takesPart: () => true,
    looksUp: 'everyone',
    // Provisional registration; the quota (§2) and collective households (§16) are the police's too.
    commits: ['provisional_registration', 'quota_slot', 'collective_household_slot'],
    officerSees: 'everyone',
    fullIdNumbers: true,
    seesSchoolLevels: false,
    seesScore: false,
    slaVariable: 'SLA_POLICE_MS',
    slaWorkingDaysVariable: 'SLA_POLICE_WORKING_DAYS',
    supplementWorkingDaysVariable: 'SUPPLEMENT_POLICE_WORKING_DAYS',
  },
  // 市人社局: employment, social-insurance years, title / skill (§2, §24–25).
  hrss: {
    name: { 'zh-CN': '市人社局', en: 'Human Resources and Social Security Bureau' },
    takesPart: (app) => app.route === 'points',
    looksUp: 'applicant',
    commits: [],
    officerSees: 'applicant',
    fullIdNumbers: false,
    seesSchoolLevels: false,
    seesScore: true,
    slaVariable: 'SLA_HRSS_MS',
    slaWorkingDaysVariable: 'SLA_HRSS_WORKING_DAYS',
    supplementWorkingDaysVariable: 'SUPPLEMENT_HRSS_WORKING_DAYS',
  },
  // 市房管局: legal stable residence (§1, §2); none → collective household (§16).
  housing: {
    name: { 'zh-CN': '市房管局', en: 'Housing Administration Bureau' },
    takesPart: () => true,
    looksUp: 'applicant',
    commits: ['residence_confirmation'],
    // Everyone the household registers at the residence it confirms (§1: the family members who
    // live with the applicant settle with them), numbers masked.
    officerSees: 'everyone',
    fullIdNumbers: false,
    seesSchoolLevels: false,
    seesScore: false,
    slaVariable: 'SLA_HOUSING_MS',
    slaWorkingDaysVariable: 'SLA_HOUSING_WORKING_DAYS',
    supplementWorkingDaysVariable: 'SUPPLEMENT_HOUSING_WORKING_DAYS',
  },
  // 市教育局: education level (§2); places for accompanying children (§21–23).
  education: {
    name: { 'zh-CN': '市教育局', en: 'Education Bureau' },
    takesPart: (app) => app.route === 'points' || hasChildren(app),
    looksUp: 'applicant',
    commits: ['school_place'],
    officerSees: 'applicant_and_children',
    fullIdNumbers: false,
    seesSchoolLevels: true,
    seesScore: false,
    slaVariable: 'SLA_EDUCATION_MS',
    slaWorkingDaysVariable: 'SLA_EDUCATION_WORKING_DAYS',
    supplementWorkingDaysVariable: 'SUPPLEMENT_EDUCATION_WORKING_DAYS',
  },
};

/** The department whose approval commits a reservation of this kind (and whose name its audit line carries). */
export function ownerOf(kind: ReservationKind): Department {
  const owner = (Object.keys(DEPARTMENT_TABLE) as Department[]).find((d) => DEPARTMENT_TABLE[d].commits.includes(kind));
  if (!owner) throw new Error(`no department commits ${kind}`);
  return owner;
}
