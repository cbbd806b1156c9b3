/**
 * Named demo personas: what the simulated department systems know about each of them.
 * Tests, demos and the seed refer to people by these names, never by raw ID numbers.
 *
 * ID numbers are real GB 11643-1999 numbers (Xi'an 6101xx area codes, check digit computed),
 * so they pass the same validation as an applicant's. Odd sequence digits are men, even ones
 * women, as the standard says. Every name and employer is fictional.
 *
 * Points under policy xian-2016-v1 (threshold 60) are noted per persona; the integration test
 * proves them with scorePoints.
 */
import type { EducationCheck, HousingCheck, HrssCheck, PoliceCheck } from '../../domain/department-checks';
import { computeCheckDigit } from '../../domain/id-number';
import type { District, Person, Route, Town } from '../../domain/vocabulary';
import type { SimulatorArea } from './records.model';

/** What each department's system holds; an absent department answers 404 for the person. */
export interface DemoRecords {
  police?: Omit<PoliceCheck, 'department'>;
  hrss?: Omit<HrssCheck, 'department'>;
  housing?: Omit<HousingCheck, 'department' | 'addressArea'> & { addressArea?: SimulatorArea };
  /** placesAvailable is per area, not per person: it comes from the school capacity data. */
  education?: Omit<EducationCheck, 'department' | 'placesAvailable'>;
}

export interface DemoPerson extends Person {
  records: DemoRecords;
}

export interface DemoPersona extends DemoPerson {
  /** What the persona is for. */
  summary: string;
  /** The application this persona is meant to file. */
  target: { route: Route; district?: District; town?: Town };
  /** Co-residing family members who settle with the applicant (§1). */
  family: readonly DemoPerson[];
}

/** A valid citizen ID number from its parts: 6-digit area code, YYYYMMDD birth date, 3-digit sequence. */
function citizenId(area: string, birthDate: string, sequence: string): string {
  const first17 = `${area}${birthDate}${sequence}`;
  return first17 + computeCheckDigit(first17);
}

/** Identity matches, no criminal record, good credit: the common case. */
const CLEAN_POLICE_RECORD = { identityMatches: true, criminalRecord: false, creditGood: true } as const;

/** The family of parentWithChildren, by name (also listed in order in its `family`). */
export const DEMO_FAMILY = {
  /** Spouse of parentWithChildren: co-owner of the Yanta home. */
  spouse: {
    idNumber: citizenId('610113', '19880825', '098'),
    name: '林静',
    relation: 'spouse',
    records: {
      police: { ...CLEAN_POLICE_RECORD, continuousResidenceYears: 7, registeredBy: '西安市雁塔区第二小学' },
      hrss: {
        employed: true,
        employer: '西安市雁塔区第二小学',
        socialInsuranceYears: 5,
        professionalTitle: 'junior',
        vocationalSkill: 'none',
      },
      housing: { residence: 'owned', addressArea: 'yanta' },
      education: { educationLevel: 'bachelor' },
    },
  },
  /** Child of parentWithChildren who needs a kindergarten place. */
  kindergartner: {
    idNumber: citizenId('610113', '20210601', '102'),
    name: '陈可欣',
    relation: 'child',
    schoolLevel: 'kindergarten',
    records: {
      police: { ...CLEAN_POLICE_RECORD, continuousResidenceYears: 5 },
      education: { educationLevel: 'none' },
    },
  },
  /** Child of parentWithChildren who needs a primary-school place. */
  pupil: {
    idNumber: citizenId('610113', '20170320', '113'),
    name: '陈子轩',
    relation: 'child',
    schoolLevel: 'primary',
    records: {
      police: { ...CLEAN_POLICE_RECORD, continuousResidenceYears: 7 },
      education: { educationLevel: 'none' },
    },
  },
} as const satisfies Record<string, DemoPerson>;

export const DEMO_PEOPLE = {
  /** 99 points: employed 10 + owned 20 + 8 y insurance 16 + 9 y residence 18 + bachelor 20 + intermediate 10 + credit 5. */
  pointsHigh: {
    idNumber: citizenId('610113', '19880315', '011'),
    name: '张志远',
    relation: 'applicant',
    summary:
      'Points route, comfortably above the threshold: employed, 8 years of insurance, owns a home, bachelor, intermediate title.',
    target: { route: 'points', district: 'yanta' },
    records: {
      police: { ...CLEAN_POLICE_RECORD, continuousResidenceYears: 9, registeredBy: '西安秦岭软件有限公司' },
      hrss: {
        employed: true,
        employer: '西安秦岭软件有限公司',
        socialInsuranceYears: 8,
        professionalTitle: 'intermediate',
        vocationalSkill: 'none',
      },
      housing: { residence: 'owned', addressArea: 'yanta' },
      education: { educationLevel: 'bachelor' },
    },
    family: [],
  },
  /** 45 points: employed 10 + public rental 15 + 2 y insurance 4 + 3 y residence 6 + secondary 5 + credit 5. */
  pointsLow: {
    idNumber: citizenId('610112', '19960722', '024'),
    name: '刘晓燕',
    relation: 'applicant',
    summary: 'Points route, below the threshold: a short insurance and residence history, secondary education, no title.',
    target: { route: 'points', district: 'weiyang' },
    records: {
      police: { ...CLEAN_POLICE_RECORD, continuousResidenceYears: 3, registeredBy: '西安未央餐饮管理有限公司' },
      hrss: {
        employed: true,
        employer: '西安未央餐饮管理有限公司',
        socialInsuranceYears: 2,
        professionalTitle: 'none',
        vocationalSkill: 'none',
      },
      housing: { residence: 'public_rental_certified', addressArea: 'weiyang' },
      education: { educationLevel: 'secondary' },
    },
    family: [],
  },
  /** 93 points, but a criminal record for the police officer to weigh. */
  criminal: {
    idNumber: citizenId('610104', '19831102', '031'),
    name: '赵强',
    relation: 'applicant',
    summary: 'Police check reports a criminal record; every other indicator is good, so only the police officer can refuse.',
    target: { route: 'points', district: 'lianhu' },
    records: {
      police: { identityMatches: true, criminalRecord: true, creditGood: true, continuousResidenceYears: 12 },
      hrss: {
        employed: true,
        employer: '西安莲湖物流有限公司',
        socialInsuranceYears: 10,
        professionalTitle: 'none',
        vocationalSkill: 'level3',
      },
      housing: { residence: 'owned', addressArea: 'lianhu' },
      education: { educationLevel: 'associate' },
    },
    family: [],
  },
  /** 98 points before the credit rule; disqualified by the bad credit record under xian-2016-v1. */
  badCredit: {
    idNumber: citizenId('610103', '19900509', '042'),
    name: '孙丽娟',
    relation: 'applicant',
    summary: 'Bad personal credit record: a high score that the credit rule disqualifies.',
    target: { route: 'points', district: 'beilin' },
    records: {
      police: { identityMatches: true, criminalRecord: false, creditGood: false, continuousResidenceYears: 10 },
      hrss: {
        employed: true,
        employer: '西安碑林咨询有限公司',
        socialInsuranceYears: 9,
        professionalTitle: 'senior',
        vocationalSkill: 'none',
      },
      housing: { residence: 'owned', addressArea: 'beilin' },
      education: { educationLevel: 'master' },
    },
    family: [],
  },
  /** 90 points with no residence points: passes, but needs a collective household (§16). */
  noHousing: {
    idNumber: citizenId('610116', '19930930', '053'),
    name: '周明',
    relation: 'applicant',
    summary: 'Housing finds no own or certified residence (none): the collective household variant of the points route.',
    target: { route: 'points', district: 'changan' },
    records: {
      police: { ...CLEAN_POLICE_RECORD, continuousResidenceYears: 10, registeredBy: '西安长安航天科技有限公司' },
      hrss: {
        employed: true,
        employer: '西安长安航天科技有限公司',
        socialInsuranceYears: 10,
        professionalTitle: 'intermediate',
        vocationalSkill: 'none',
      },
      housing: { residence: 'none' },
      education: { educationLevel: 'master' },
    },
    family: [],
  },
  /** Town route (§1): owns a home in the designated town of Huyi; not employed, which a town does not require. */
  townOwner: {
    idNumber: citizenId('610118', '19790118', '065'),
    name: '吴海波',
    relation: 'applicant',
    summary: 'Town route: owns a home in Huyi; employment and points play no part.',
    target: { route: 'town', town: 'huyi' },
    records: {
      police: { ...CLEAN_POLICE_RECORD, continuousResidenceYears: 6 },
      hrss: { employed: false, socialInsuranceYears: 3, professionalTitle: 'none', vocationalSkill: 'level4' },
      housing: { residence: 'owned', addressArea: 'huyi' },
      education: { educationLevel: 'secondary' },
    },
    family: [],
  },
  /** Town route (§1): rented public housing with a usage certificate in Lantian. */
  townPublicRental: {
    idNumber: citizenId('610122', '19851206', '076'),
    name: '郑秀英',
    relation: 'applicant',
    summary: 'Town route: rents certified public housing in Lantian (public_rental_certified).',
    target: { route: 'town', town: 'lantian' },
    records: {
      police: { ...CLEAN_POLICE_RECORD, continuousResidenceYears: 5, registeredBy: '蓝田县公共租赁住房管理中心' },
      hrss: {
        employed: true,
        employer: '蓝田县人民医院',
        socialInsuranceYears: 4,
        professionalTitle: 'junior',
        vocationalSkill: 'none',
      },
      housing: { residence: 'public_rental_certified', addressArea: 'lantian' },
      education: { educationLevel: 'associate' },
    },
    family: [],
  },
  /**
   * 79 points (vocational skill level3 8 > junior title 5), with a spouse and two children who
   * need a kindergarten and a primary-school place in Yanta (§21–23).
   */
  parentWithChildren: {
    idNumber: citizenId('610113', '19860412', '087'),
    name: '陈伟',
    relation: 'applicant',
    summary: 'Points route with a family: spouse, one kindergarten child and one primary-school child.',
    target: { route: 'points', district: 'yanta' },
    records: {
      police: { ...CLEAN_POLICE_RECORD, continuousResidenceYears: 7, registeredBy: '西安雁塔电子有限公司' },
      hrss: {
        employed: true,
        employer: '西安雁塔电子有限公司',
        socialInsuranceYears: 6,
        professionalTitle: 'junior',
        vocationalSkill: 'level3',
      },
      housing: { residence: 'owned', addressArea: 'yanta' },
      education: { educationLevel: 'associate' },
    },
    family: [DEMO_FAMILY.spouse, DEMO_FAMILY.kindergartner, DEMO_FAMILY.pupil],
  },
  /** Known to housing and HR, but the police population database says the identity does not match (§8). */
  identityMismatch: {
    idNumber: citizenId('610115', '19941003', '136'),
    name: '何芳',
    relation: 'applicant',
    summary: 'Police has a record but identityMatches is false: the identity check fails while other departments answer.',
    target: { route: 'points', district: 'lintong' },
    records: {
      police: { identityMatches: false, criminalRecord: false, creditGood: true, continuousResidenceYears: 4 },
      hrss: {
        employed: true,
        employer: '西安临潼旅游服务有限公司',
        socialInsuranceYears: 4,
        professionalTitle: 'none',
        vocationalSkill: 'level4',
      },
      housing: { residence: 'public_rental_certified', addressArea: 'lintong' },
      education: { educationLevel: 'associate' },
    },
    family: [],
  },
  /** Never seeded: every department answers 404, so the police identity check cannot match (§8). */
  unknownToPolice: {
    idNumber: citizenId('610111', '19910214', '125'),
    name: '黄磊',
    relation: 'applicant',
    summary: 'A valid ID number that no department system knows: the not-found / identity-mismatch path.',
    target: { route: 'points', district: 'baqiao' },
    records: {},
    family: [],
  },
} as const satisfies Record<string, DemoPersona>;

export type DemoPersonaName = keyof typeof DEMO_PEOPLE;

/** Every demo person, applicants and their family members alike. */
export const ALL_DEMO_PEOPLE: readonly DemoPerson[] = Object.values(DEMO_PEOPLE).flatMap((p): DemoPerson[] => [p, ...p.family]);

/** True when at least one department system holds a record for the person. */
export function isSeeded(person: DemoPerson): boolean {
  return Object.keys(person.records).length > 0;
}

/** The person as an application carries them (no department records). */
export function toPerson(person: DemoPerson): Person {
  const p: Person = { idNumber: person.idNumber, name: person.name, relation: person.relation };
  if (person.schoolLevel) p.schoolLevel = person.schoolLevel;
  return p;
}
