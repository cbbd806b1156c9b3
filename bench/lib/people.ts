/**
 * Synthetic applicants for load: valid GB 11643-1999 ID numbers nobody else uses, seeded into
 * the department systems simulator's own database so every lookup finds a record (one open
 * case per ID number is the rule, so a load of N cases needs N people). Three kinds:
 *   town       — town route (police + housing), owns a home in the town: settles with two approvals
 *   points     — points route (all four departments), ~99 points: takes a slot of the district quota
 *   collective — points route with no residence: needs a collective-household slot (§16)
 */
import { computeCheckDigit } from '../../domain/id-number';
import { TOWNS, type District, type Town } from '../../domain/vocabulary';
import { connectMongo } from '../../models/connection';
import { departmentRecordModel } from '../../tools/simulator/records.model';

export type PersonKind = 'town' | 'points' | 'collective';

export interface SyntheticPerson {
  kind: PersonKind;
  idNumber: string;
  name: string;
  town?: Town;
  district?: District;
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

/** Born on consecutive days from 1960 with 900 sequence numbers each: 200 000 people fit before 1961. */
export function syntheticIdNumber(n: number, areaCode = '610118'): string {
  const day = new Date(Date.UTC(1960, 0, 1) + Math.floor(n / 900) * 86_400_000);
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
    return { kind, idNumber: syntheticIdNumber(n), name, district: where?.district ?? 'weiyang' };
  });
}

function recordsOf(p: SyntheticPerson) {
  const police = { identityMatches: true, criminalRecord: false, creditGood: true, continuousResidenceYears: 9 };
  const area = p.town ?? p.district!;
  return {
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
  };
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
      await records.insertMany(people.slice(i, i + 500).map(recordsOf), { ordered: false });
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
    family: [],
    contact: { phone: '13800138000', ...(email ? { email: 'bench@example.cn' } : {}), locale: 'zh-CN' },
  };
}
