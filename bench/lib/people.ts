/**
 * Synthetic applicants for load: valid GB 11643-1999 ID numbers nobody else uses, seeded into
 * the department systems simulator's own database so every lookup finds a record (one open
 * case per ID number is the rule, so a load of N cases needs N people). Four kinds:
 *   town       — town route (police + housing), owns a home in the town: settles with two approvals
 *   points     — points route (all four departments), ~99 points: takes a slot of the district quota
 *   collective — points route with no residence: needs a collective-household slot (§16)
 *   family     — a points applicant with two children, one for a kindergarten and one for a
 *                primary-school place (§21–23): police look up all three, education places them
 * `mixedPeople` interleaves town, points and family (issue 12: measure mixed routes, not only
 * the cheapest).
 */
import { computeCheckDigit } from '../../domain/id-number';
import { DISTRICTS, TOWNS, type District, type SchoolLevel, type Town } from '../../domain/vocabulary';
import { connectMongo } from '../../models/connection';
import { departmentRecordModel } from '../../tools/simulator/records.model';

export type PersonKind = 'town' | 'points' | 'collective' | 'family';

export interface SyntheticChild {
  idNumber: string;
  name: string;
  schoolLevel: SchoolLevel;
}

export interface SyntheticPerson {
  kind: PersonKind;
  idNumber: string;
  name: string;
  town?: Town;
  district?: District;
  /** Only `family`: the children who need places. */
  children?: SyntheticChild[];
}

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '赵',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '胡',
  '朱',
  '高',
  '林',
  '何',
  '郭',
  '马',
  '罗',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '霞',
  '平',
];

/**
 * Born on consecutive days from 1 January of `year` (1960 for adults) with 900 sequence numbers
 * each: 200 000 people fit in a year.
 */
export function syntheticIdNumber(n: number, areaCode = '610118', year = 1960): string {
  const day = new Date(Date.UTC(year, 0, 1) + Math.floor(n / 900) * 86_400_000);
  const ymd = day.toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `${areaCode}${ymd}${String(100 + (n % 900)).padStart(3, '0')}`;
  return first17 + computeCheckDigit(first17);
}

let next = 0;

/** `count` fresh people of a kind; ID numbers never repeat within a process. */
export function makePeople(kind: PersonKind, count: number, where?: { town?: Town; district?: District }): SyntheticPerson[] {
  return Array.from({ length: count }, () => {
    const n = next++;
    const name = `${SURNAMES[n % SURNAMES.length]}${GIVEN[Math.floor(n / SURNAMES.length) % GIVEN.length]}`;
    if (kind === 'town') return { kind, idNumber: syntheticIdNumber(n), name, town: where?.town ?? TOWNS[n % TOWNS.length]! };
    const person: SyntheticPerson = { kind, idNumber: syntheticIdNumber(n), name, district: where?.district ?? 'weiyang' };
    if (kind === 'family') {
      // Children born in 2021 (kindergarten) and 2017 (primary school), numbered like their parent.
      person.children = [
        {
          idNumber: syntheticIdNumber(n, '610118', 2021),
          name: `${name.slice(0, 1)}小${GIVEN[n % GIVEN.length]}`,
          schoolLevel: 'kindergarten',
        },
        {
          idNumber: syntheticIdNumber(n, '610118', 2017),
          name: `${name.slice(0, 1)}子${GIVEN[n % GIVEN.length]}`,
          schoolLevel: 'primary',
        },
      ];
    }
    return person;
  });
}

/**
 * `count` people in the order town, points, family, town, … (so any prefix is mixed), the
 * points and family applicants spread over every district (each has its own quota and school
 * places; the bench's capacity file makes them large enough, see benchCapacityTable).
 */
export function mixedPeople(count: number): SyntheticPerson[] {
  const kinds: PersonKind[] = ['town', 'points', 'family'];
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % kinds.length]!;
    const district = DISTRICTS[Math.floor(i / kinds.length) % DISTRICTS.length]!;
    return makePeople(kind, 1, kind === 'town' ? {} : { district })[0]!;
  });
}

/** How many cases of each kind a list of people makes. */
export function kindCounts(people: readonly SyntheticPerson[]): Partial<Record<PersonKind, number>> {
  const out: Partial<Record<PersonKind, number>> = {};
  for (const p of people) out[p.kind] = (out[p.kind] ?? 0) + 1;
  return out;
}

function recordsOf(p: SyntheticPerson) {
  const police = { identityMatches: true, criminalRecord: false, creditGood: true, continuousResidenceYears: 9 };
  const area = p.town ?? p.district!;
  const children = (p.children ?? []).map((c) => ({
    _id: c.idNumber,
    police: { ...police, continuousResidenceYears: 4 },
    education: { educationLevel: 'none' },
  }));
  return [
    {
      _id: p.idNumber,
      police,
      hrss: {
        employed: true,
        employer: '西安基准测试有限公司',
        socialInsuranceYears: 8,
        professionalTitle: 'intermediate',
        vocationalSkill: 'none',
      },
      housing: p.kind === 'collective' ? { residence: 'none' } : { residence: 'owned', addressArea: area },
      education: { educationLevel: 'bachelor' },
    },
    ...children,
  ];
}

/** Writes the people into the simulator's database (`department_systems` on the same server). */
export async function seedPeople(mongoUri: string, people: SyntheticPerson[]): Promise<void> {
  const url = new URL(mongoUri);
  url.pathname = '/department_systems';
  const conn = await connectMongo({ uri: url.toString(), serverSelectionTimeoutMS: 5000 });
  try {
    const records = departmentRecordModel(conn);
    await records.init();
    for (let i = 0; i < people.length; i += 500) {
      await records.insertMany(people.slice(i, i + 500).flatMap(recordsOf), { ordered: false });
    }
  } finally {
    await conn.close();
  }
}

/** The JSON body the applicant submits. */
export function applicationFor(p: SyntheticPerson, email = true): Record<string, unknown> {
  return {
    route: p.kind === 'town' ? 'town' : 'points',
    ...(p.town ? { town: p.town } : { district: p.district }),
    applicant: { idNumber: p.idNumber, name: p.name },
    family: (p.children ?? []).map((c) => ({
      idNumber: c.idNumber,
      name: c.name,
      relation: 'child',
      schoolLevel: c.schoolLevel,
    })),
    contact: { phone: '13800138000', ...(email ? { email: 'bench@example.cn' } : {}), locale: 'zh-CN' },
  };
}
