/**
 * What an officer should look at in a department's automated lookup, and the inputs the points
 * score takes from them. Pure: the workflow calls it.
 */
import type { CheckRecord } from './case-state';
import { DEPARTMENT_TABLE } from './departments';
import type { CheckResult, EducationCheck, HousingCheck, HrssCheck, PoliceCheck, ResidenceKind } from './department-checks';
import type { PointsInputs } from './points-policy';
import { isAreaCode, type Application, type Department, type Person, peopleOf } from './vocabulary';

/** Who a department looks up (the department table): police everyone (identity, §8), the others the applicant. */
export function personsToCheck(department: Department, app: Application): Array<{ personIndex: number; person: Person }> {
  const everyone = peopleOf(app).map((person, personIndex) => ({ personIndex, person }));
  return DEPARTMENT_TABLE[department].looksUp === 'everyone' ? everyone : everyone.slice(0, 1);
}

/** Children who need a kindergarten or school place (§21–23), with their index in the application. */
export function childrenNeedingPlaces(app: Application): Array<{ personIndex: number; person: Person }> {
  return peopleOf(app)
    .map((person, personIndex) => ({ personIndex, person }))
    .filter(({ person }) => person.relation === 'child' && person.schoolLevel !== undefined);
}

function resultOf<T extends CheckResult>(record: CheckRecord | undefined, personIndex = 0): T | null {
  return (record?.results.find((r) => r.personIndex === personIndex)?.result as T | null | undefined) ?? null;
}

/** The findings a lookup can report; one about a person of the application ends in `:<index>`. */
export const CHECK_FINDINGS = [
  'identity_not_found',
  'identity_mismatch',
  'criminal_record',
  'bad_credit',
  'no_hrss_record',
  'not_employed',
  'no_own_residence',
  'residence_elsewhere',
  'no_education_record',
] as const;
export type CheckFinding = (typeof CHECK_FINDINGS)[number];

/** A finding's code and, for one about a person, their index in the application. */
export function parseFinding(finding: string): { code: CheckFinding; personIndex?: number } | undefined {
  const [code, index] = finding.split(':');
  if (!(CHECK_FINDINGS as readonly string[]).includes(code ?? '')) return undefined;
  return { code: code as CheckFinding, ...(index !== undefined && /^\d+$/.test(index) ? { personIndex: Number(index) } : {}) };
}

/**
 * What the officer should look at in a lookup's results. `residenceArea` is the area a home must
 * be in to count (residenceIn); without it, as for cases started before `residence-in-area`, a
 * home in any area counts and nothing is said about it.
 */
export function findingsFor(
  department: Department,
  results: CheckRecord['results'],
  app: Application,
  residenceArea?: string,
): string[] {
  const findings: Array<CheckFinding | `${CheckFinding}:${number}`> = [];
  const record = { at: '', results, findings };
  switch (department) {
    case 'police':
      for (const { personIndex, result } of results) {
        const r = result as PoliceCheck | null;
        if (!r) findings.push(`identity_not_found:${personIndex}`);
        else {
          if (!r.identityMatches) findings.push(`identity_mismatch:${personIndex}`);
          // §1 全面放开: on the town route a criminal or credit record is no refusal reason, so
          // it is nothing for the officer to weigh; on the points route it is (§2, credit).
          if (app.route === 'points' && r.criminalRecord) findings.push(`criminal_record:${personIndex}`);
          if (app.route === 'points' && personIndex === 0 && !r.creditGood) findings.push('bad_credit');
        }
      }
      break;
    case 'hrss': {
      const r = resultOf<HrssCheck>(record);
      if (!r) findings.push('no_hrss_record');
      else if (app.route === 'points' && !r.employed) findings.push('not_employed');
      break;
    }
    case 'housing': {
      const r = resultOf<HousingCheck>(record);
      if (!r || r.residence === 'none') findings.push('no_own_residence');
      else if (residenceIn(r, residenceArea) === 'none') findings.push('residence_elsewhere');
      break;
    }
    case 'education': {
      // Places are the area's, from the capacity data (never this person's record), and a full
      // level puts the child on the waiting list: nothing here for the officer about places.
      const r = resultOf<EducationCheck>(record);
      if (!r && app.route === 'points') findings.push('no_education_record');
      break;
    }
  }
  return findings;
}

/**
 * The residence housing found, as it counts in the area applied for. §1 settles people who have a
 * legal stable residence in the town (在…建制镇有合法稳定住所…可在当地申请), and a household is registered
 * at an address in its own area: a home the register places in another town or district is no
 * residence here (§16 collective household; no residence points, §2). A record that names no area
 * is taken as it is; `area` undefined (cases started before `residence-in-area`) ignores areas.
 */
export function residenceIn(r: HousingCheck | null, area: string | undefined): ResidenceKind {
  if (!r) return 'none';
  return isElsewhere(r, area) ? 'none' : r.residence;
}

/**
 * The register places the home in another of our areas. Only an area code (`yanta`, `lantian`)
 * is compared: an adapter maps its system's address to our codes (README "Trying it out"), and a
 * label this system cannot read (a street, 雁塔区) is never taken for "elsewhere".
 */
function isElsewhere(r: HousingCheck, area: string | undefined): boolean {
  return (
    area !== undefined &&
    r.residence !== 'none' &&
    r.addressArea !== undefined &&
    isAreaCode(r.addressArea) &&
    r.addressArea !== area
  );
}

/** Housing's lookup on this step found the home in another area (the officer may then refuse for no residence here). */
export function foundResidenceElsewhere(check: Pick<CheckRecord, 'findings'> | undefined): boolean {
  return check?.findings.includes('residence_elsewhere') ?? false;
}

/** Housing found no own or certified public-rental residence in `area`: collective household (§16). */
export function needsCollectiveHousehold(housing: CheckRecord | undefined, area?: string): boolean {
  return residenceIn(resultOf<HousingCheck>(housing), area) === 'none';
}

/**
 * The points inputs from the applicant's four lookups; a missing record counts as nothing, and a
 * residence outside `area` as none (residenceIn).
 */
export function pointsInputsFrom(checks: Partial<Record<Department, CheckRecord>>, area?: string): PointsInputs {
  const police = resultOf<PoliceCheck>(checks.police);
  const hrss = resultOf<HrssCheck>(checks.hrss);
  const housing = resultOf<HousingCheck>(checks.housing);
  const education = resultOf<EducationCheck>(checks.education);
  return {
    police: { creditGood: police?.creditGood ?? false, continuousResidenceYears: police?.continuousResidenceYears ?? 0 },
    hrss: {
      employed: hrss?.employed ?? false,
      socialInsuranceYears: hrss?.socialInsuranceYears ?? 0,
      professionalTitle: hrss?.professionalTitle ?? 'none',
      vocationalSkill: hrss?.vocationalSkill ?? 'none',
    },
    housing: {
      residence: residenceIn(housing, area),
      ...(housing && isElsewhere(housing, area) ? { elsewhere: true } : {}),
    },
    education: { educationLevel: education?.educationLevel ?? 'none' },
  };
}
