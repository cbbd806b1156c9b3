/**
 * A closed day's dashboard facts packed into one document (issue 11, "stay fast"). FerretDB v1
 * decodes documents one at a time: measured on its PostgreSQL backend, a month of 10,000 cases
 * is ~32,000 fact documents and took 2.6–4.9 s to read, while the same facts as 29 documents of
 * strings took 0.14 s. So a day that is over (before yesterday, Asia/Shanghai: a projection
 * trails by seconds, not a day) is read once from its facts and kept as one pack; the dashboard
 * reads packs for closed days and facts for the last two days.
 *
 * Not packed: supplement rounds, whose outcome still changes (answered / lapsed) after the day
 * they were asked; the dashboard reads them live (`kind` and `month` equalities). The worker's
 * backfill of older facts drops every pack (models/case-fact.model.ts), and a fact written for a
 * closed day (a projection that ran days late: a long worker outage) drops that day's pack, so
 * the day is read from its facts again.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { CaseFact } from '../domain/case-facts';
import { caseFactModel } from './case-fact.model';
import { shanghaiToday } from '../domain/shanghai-clock';
import { isDuplicateKey } from './duplicate-key';

/** What the dashboard counts of a fact (domain/dashboard-figures.ts) and filters it by. */
export type CountedFact = Pick<
  CaseFact,
  'kind' | 'day' | 'route' | 'area' | 'department' | 'outcome' | 'withinSla' | 'tenths' | 'persons'
>;

export interface CaseFactDayDoc {
  /** The day, YYYY-MM-DD (Asia/Shanghai). */
  _id: string;
  month: string;
  /** One string per fact (packFact); FerretDB v1 stores no nested arrays. */
  facts: string[];
  builtAt: Date;
}

const daySchema = new Schema<CaseFactDayDoc>(
  {
    _id: { type: String, required: true },
    month: { type: String, required: true },
    facts: { type: [String], required: true },
    builtAt: { type: Date, required: true },
  },
  { collection: 'case_fact_days', versionKey: false },
);
daySchema.index({ month: 1 });

export function caseFactDayModel(conn: Connection): Model<CaseFactDayDoc> {
  return (conn.models.CaseFactDay as Model<CaseFactDayDoc> | undefined) ?? conn.model<CaseFactDayDoc>('CaseFactDay', daySchema);
}

const SEP = '|';

export function packFact(f: CountedFact): string {
  const sla = f.withinSla === undefined ? '' : f.withinSla ? '1' : '0';
  return [f.kind, f.route, f.area, f.department ?? '', f.outcome ?? '', sla, f.tenths ?? '', f.persons ?? ''].join(SEP);
}

export function unpackFact(packed: string, day: string): CountedFact {
  // A pack made before persons were counted has seven fields: its persons are absent (the
  // worker's migration drops every pack once the facts have them, models/case-fact.model.ts).
  const [kind, route, area, department, outcome, sla, tenths, persons] = packed.split(SEP);
  return {
    kind: kind as CountedFact['kind'],
    day,
    route: route as CountedFact['route'],
    area: area ?? '',
    ...(department ? { department: department as CountedFact['department'] } : {}),
    ...(outcome ? { outcome: outcome as CountedFact['outcome'] } : {}),
    ...(sla ? { withinSla: sla === '1' } : {}),
    ...(tenths ? { tenths: Number(tenths) } : {}),
    ...(persons ? { persons: Number(persons) } : {}),
  };
}

/**
 * The first day still read fact by fact at `now`: yesterday (Asia/Shanghai). A projection trails
 * by seconds, so a day before it is closed and may be packed.
 */
export function firstOpenDay(now: Date): string {
  return new Date(Date.parse(`${shanghaiToday(now)}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

const COUNTED = {
  _id: 0,
  kind: 1,
  day: 1,
  route: 1,
  area: 1,
  department: 1,
  outcome: 1,
  withinSla: 1,
  tenths: 1,
  persons: 1,
} as const;
const dayOf = (iso: string) => iso.slice(0, 10);
const monthsOf = (days: readonly string[]) => [...new Set(days.map((d) => d.slice(0, 7)))];

/**
 * Every counted fact dated on `days`: packs for the days before `openFrom` (made on first use),
 * the facts themselves from `openFrom` on, and supplement rounds always live. Scalar equalities
 * only (`_id`, `day`, `month` + `kind`), which FerretDB pushes down.
 */
export async function factsOfDays(conn: Connection, days: readonly string[], openFrom: string): Promise<CountedFact[]> {
  const packs = caseFactDayModel(conn);
  const facts = caseFactModel(conn);
  const closed = days.filter((d) => d < openFrom);
  const open = days.filter((d) => d >= openFrom);
  const wanted = new Set(days);
  const out: CountedFact[] = [];

  const stored = new Map<string, CaseFactDayDoc>();
  for (const month of monthsOf(closed))
    for (const p of await packs.find({ month }).lean()) if (wanted.has(p._id)) stored.set(p._id, p);
  for (const day of closed) {
    let pack = stored.get(day);
    if (!pack) {
      const read = (await facts.find({ day }, COUNTED).lean()) as CountedFact[];
      pack = {
        _id: day,
        month: day.slice(0, 7),
        facts: read.filter((f) => f.kind !== 'supplement').map(packFact),
        builtAt: new Date(),
      };
      try {
        await packs.create(pack);
        // A late fact inserted after the read above, whose writer dropped the pack before it was
        // created, would be missing from it for good: counted again, and dropped if one came.
        if ((await facts.countDocuments({ day })) !== read.length) await packs.deleteOne({ _id: day });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // another request packed the same day
      }
    }
    for (const f of pack.facts) out.push(unpackFact(f, day));
  }
  for (const day of open) {
    const read = (await facts.find({ day }, COUNTED).lean()) as CountedFact[];
    out.push(...read.filter((f) => f.kind !== 'supplement'));
  }
  for (const month of monthsOf(days)) {
    const rounds = (await facts.find({ month, kind: 'supplement' }, COUNTED).lean()) as CountedFact[];
    out.push(...rounds.filter((f) => wanted.has(dayOf(f.day))));
  }
  return out;
}

/** Drops the packs of `days` that are closed at `now`: facts were written for them late. */
export async function dropClosedFactDays(conn: Connection, days: readonly string[], now = new Date()): Promise<void> {
  const openFrom = firstOpenDay(now);
  for (const day of new Set(days)) if (day < openFrom) await caseFactDayModel(conn).deleteOne({ _id: day });
}

/** Drops every pack: after older facts were written (the worker's backfill). */
export async function dropFactDays(conn: Connection): Promise<void> {
  await caseFactDayModel(conn).deleteMany({});
}
