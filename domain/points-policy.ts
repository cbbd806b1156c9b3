/**
 * The versioned points policy of the district route (市辖区积分落户, §2) and its scoring.
 *
 * The policy is DATA (policy/points/*.json) so that a new scheme is a new file, not a code
 * change, and a case is always scored under the version in force when it was submitted.
 * Pure and deterministic: workflow code calls `scorePoints`. Parsing/validation of the JSON
 * lives in points-policy.parse.ts so that zod stays out of the workflow bundle.
 */
import type {
  EducationCheck,
  EducationLevel,
  HousingCheck,
  HrssCheck,
  PoliceCheck,
  ProfessionalTitle,
  ResidenceKind,
  VocationalSkill,
} from './department-checks';
import type { Locale } from './vocabulary';

/** The seven indicators of §2, in the order the breakdown shows them. */
export const POINTS_INDICATORS = [
  'employment',
  'residence',
  'socialInsurance',
  'continuousResidence',
  'education',
  'titleOrSkill',
  'credit',
] as const;
export type PointsIndicator = (typeof POINTS_INDICATORS)[number];

export type LocalizedLabel = Record<Locale, string>;

/** Policy data that is chosen by date: a version and the first day it applies (YYYY-MM-DD). */
export interface DatedVersion {
  version: string;
  effectiveFrom: string;
}

/** Points per completed year, stopping at `maxPoints`. */
export interface PerYearRule {
  label: LocalizedLabel;
  pointsPerYear: number;
  maxPoints: number;
  notes?: string;
}

/** What a bad personal credit record does; each version chooses (see the file's notes). */
export type BadCreditRule = { action: 'disqualify' } | { action: 'deduct'; points: number /* ≤ 0 */ };

export interface PointsPolicy {
  version: string;
  /** First day (YYYY-MM-DD) on which submissions are judged under this version. */
  effectiveFrom: string;
  /** Minimum total to pass; ranking within a round happens elsewhere. */
  threshold: number;
  notes?: string[];
  indicators: {
    employment: { label: LocalizedLabel; points: number; notes?: string };
    residence: { label: LocalizedLabel; points: Record<ResidenceKind, number>; notes?: string };
    socialInsurance: PerYearRule;
    continuousResidence: PerYearRule;
    education: { label: LocalizedLabel; points: Record<EducationLevel, number>; notes?: string };
    titleOrSkill: {
      label: LocalizedLabel;
      professionalTitle: Record<ProfessionalTitle, number>;
      vocationalSkill: Record<VocationalSkill, number>;
      notes?: string;
    };
    credit: { label: LocalizedLabel; goodPoints: number; onBad: BadCreditRule; notes?: string };
  };
}

/**
 * Only the department-check fields the score needs (data minimisation: no criminal record,
 * no employer names). Full PoliceCheck / HrssCheck / … objects are accepted as they are.
 */
export interface PointsInputs {
  police: Pick<PoliceCheck, 'creditGood' | 'continuousResidenceYears'>;
  hrss: Pick<HrssCheck, 'employed' | 'socialInsuranceYears' | 'professionalTitle' | 'vocationalSkill'>;
  /** `elsewhere`: the home is in another area than the one applied for, so it counts as none (check-findings.ts). */
  housing: Pick<HousingCheck, 'residence'> & { elsewhere?: boolean };
  education: Pick<EducationCheck, 'educationLevel'>;
}

export interface PointsBreakdownLine {
  indicator: PointsIndicator;
  label: LocalizedLabel;
  value: string | number | boolean;
  points: number;
  /** True when the indicator's cap cut the points (shown to the applicant for transparency). */
  capped: boolean;
}

export interface PointsScore {
  total: number;
  threshold: number;
  /** total ≥ threshold and not disqualified. */
  passed: boolean;
  breakdown: PointsBreakdownLine[];
  policyVersion: string;
  /** Set when an indicator fails the case regardless of the total (e.g. bad credit under a "disqualify" rule). */
  disqualifiedBy?: PointsIndicator;
}

/**
 * Completed years only; a negative or non-numeric value from an adapter scores as zero years
 * rather than throwing, because this runs inside workflow code where a throw would wedge the
 * workflow task instead of reaching an officer.
 */
function completedYears(years: number): number {
  return Number.isFinite(years) && years > 0 ? Math.floor(years) : 0;
}

function perYearLine(indicator: PointsIndicator, rule: PerYearRule, years: number): PointsBreakdownLine {
  const counted = completedYears(years);
  const raw = counted * rule.pointsPerYear;
  const capped = raw > rule.maxPoints;
  return { indicator, label: rule.label, value: counted, points: capped ? rule.maxPoints : raw, capped };
}

/** The higher of title and skill; on a tie the professional title is named. */
function titleOrSkillLine(policy: PointsPolicy, hrss: PointsInputs['hrss']): PointsBreakdownLine {
  const rule = policy.indicators.titleOrSkill;
  const titlePoints = rule.professionalTitle[hrss.professionalTitle];
  const skillPoints = rule.vocationalSkill[hrss.vocationalSkill];
  const useSkill = skillPoints > titlePoints;
  const value =
    titlePoints === 0 && skillPoints === 0
      ? 'none'
      : useSkill
        ? `vocational_skill:${hrss.vocationalSkill}`
        : `professional_title:${hrss.professionalTitle}`;
  return {
    indicator: 'titleOrSkill',
    label: rule.label,
    value,
    points: useSkill ? skillPoints : titlePoints,
    capped: false,
  };
}

function creditLine(policy: PointsPolicy, creditGood: boolean): PointsBreakdownLine {
  const rule = policy.indicators.credit;
  const points = creditGood ? rule.goodPoints : rule.onBad.action === 'deduct' ? rule.onBad.points : 0;
  return { indicator: 'credit', label: rule.label, value: creditGood, points, capped: false };
}

/** Scores one applicant under one policy version; the breakdown always sums to the total. */
export function scorePoints(policy: PointsPolicy, inputs: PointsInputs): PointsScore {
  const ind = policy.indicators;
  const { police, hrss, housing, education } = inputs;
  const breakdown: PointsBreakdownLine[] = [
    {
      indicator: 'employment',
      label: ind.employment.label,
      value: hrss.employed,
      points: hrss.employed ? ind.employment.points : 0,
      capped: false,
    },
    {
      indicator: 'residence',
      label: ind.residence.label,
      // A home elsewhere says so, not 无: the applicant sees why it earns nothing here.
      value: housing.elsewhere ? 'residence_elsewhere' : housing.residence,
      points: ind.residence.points[housing.elsewhere ? 'none' : housing.residence],
      capped: false,
    },
    perYearLine('socialInsurance', ind.socialInsurance, hrss.socialInsuranceYears),
    perYearLine('continuousResidence', ind.continuousResidence, police.continuousResidenceYears),
    {
      indicator: 'education',
      label: ind.education.label,
      value: education.educationLevel,
      points: ind.education.points[education.educationLevel],
      capped: false,
    },
    titleOrSkillLine(policy, hrss),
    creditLine(policy, police.creditGood),
  ];
  const total = breakdown.reduce((sum, line) => sum + line.points, 0);
  const disqualified = !police.creditGood && ind.credit.onBad.action === 'disqualify';
  const score: PointsScore = {
    total,
    threshold: policy.threshold,
    passed: !disqualified && total >= policy.threshold,
    breakdown,
    policyVersion: policy.version,
  };
  if (disqualified) score.disqualifiedBy = 'credit';
  return score;
}

/**
 * The version in force on `date` (YYYY-MM-DD): the latest `effectiveFrom` not after it.
 * Undefined when no version had started yet. Two versions with the same `version` or the same
 * `effectiveFrom` are a data error (the choice between them would be arbitrary), reported
 * whatever the date so that a bad policy set fails at load time, not on some later day.
 * Any dated, versioned policy data works (points policies, authorities).
 */
export function policyInForceOn<P extends DatedVersion = PointsPolicy>(policies: readonly P[], date: string): P | undefined {
  const versions = new Set<string>();
  const starts = new Set<string>();
  for (const p of policies) {
    if (versions.has(p.version)) throw new Error(`policy version ${p.version} appears twice`);
    if (starts.has(p.effectiveFrom)) {
      throw new Error(`two policy versions share effectiveFrom ${p.effectiveFrom} (one is ${p.version})`);
    }
    versions.add(p.version);
    starts.add(p.effectiveFrom);
  }
  let best: P | undefined;
  for (const p of policies) {
    if (p.effectiveFrom <= date && (!best || p.effectiveFrom > best.effectiveFrom)) best = p;
  }
  return best;
}
