/**
 * Typed results of the automated department checks (§8–9): what each department's information
 * system answers for one person. Adapters (activities/adapters) return these; the simulator
 * (tools/simulator) serves them over HTTP. Pure types, safe for workflow code.
 */
import type { Department } from './vocabulary';

export const EDUCATION_LEVELS = ['none', 'secondary', 'associate', 'bachelor', 'master', 'doctorate'] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];
export const PROFESSIONAL_TITLES = ['none', 'junior', 'intermediate', 'senior'] as const;
export type ProfessionalTitle = (typeof PROFESSIONAL_TITLES)[number];
export const VOCATIONAL_SKILLS = ['none', 'level5', 'level4', 'level3', 'level2', 'level1'] as const;
export type VocationalSkill = (typeof VOCATIONAL_SKILLS)[number];
export const RESIDENCE_KINDS = ['owned', 'public_rental_certified', 'none'] as const;
export type ResidenceKind = (typeof RESIDENCE_KINDS)[number];

export interface PoliceCheck {
  department: 'police';
  /** Identity matches the population database (§8). */
  identityMatches: boolean;
  /** Criminal record: officer-internal; never shown to other departments or the applicant. */
  criminalRecord: boolean;
  /** Personal credit record in good standing (§2). */
  creditGood: boolean;
  /** Years of continuous residence from residence registration (§5, §7). */
  continuousResidenceYears: number;
  /** Landlord or employer named on the residence registration (§5). */
  registeredBy?: string;
}

export interface HrssCheck {
  department: 'hrss';
  /** Legal stable employment (§2). */
  employed: boolean;
  employer?: string;
  /** Years of urban social insurance (§2, §25). */
  socialInsuranceYears: number;
  professionalTitle: ProfessionalTitle;
  vocationalSkill: VocationalSkill;
}

export interface HousingCheck {
  department: 'housing';
  /** Legal stable residence (§1, §2); 'none' sends the case to a collective household (§16). */
  residence: ResidenceKind;
  /** Coarse address label (district / town level), never a full street address in the read model. */
  addressArea?: string;
}

export interface EducationCheck {
  department: 'education';
  educationLevel: EducationLevel;
}

export type CheckResult = PoliceCheck | HrssCheck | HousingCheck | EducationCheck;

export type CheckResultFor<D extends Department> = Extract<CheckResult, { department: D }>;
