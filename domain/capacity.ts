/**
 * Capacities are policy data (DOMAIN.md §2, §16, §21–23): school and kindergarten places per
 * area and level, community collective-household places per area, and the points quota per
 * district, from dated files under policy/capacities/ that name who set them. Never read from a
 * person's record and never frozen by first use: a reservation asks for the capacity in force
 * at that moment, so a changed file raises or lowers a pool for the next reservation.
 *
 * Pure: the workflow imports the pool keys; the activities read the files.
 */
import type { ReservationKind } from './codes';
import type { District, SchoolLevel, Town } from './vocabulary';

export type Area = District | Town;

export interface CapacityTable {
  /** e.g. `xian-capacity-2026`; unique across the folder. */
  version: string;
  /** YYYY-MM-DD (Asia/Shanghai): in force from this day until a later file's effectiveFrom. */
  effectiveFrom: string;
  /** Who set these figures (the deciding bodies), for the audit of a change. */
  setBy: string;
  /** The published document the figures come from, if any. */
  document?: string;
  notes?: string[];
  /** Kindergarten / school places per inflow area and level (以流入地为主, §21). */
  schoolPlaces: Record<Area, Record<SchoolLevel, number>>;
  /** Community collective-household places per area (§16). */
  collectiveHouseholds: Record<Area, number>;
  /** Points-route admissions per district (总量控制, §2). */
  pointsQuota: Record<District, number>;
  /**
   * The schools and kindergartens of an area and level at which education may place a waiting
   * child, named as the register and the family's letter will name them: the officer picks one,
   * and a misspelt name never reaches either. An area and level without a list take any name.
   */
  schools?: Partial<Record<Area, Partial<Record<SchoolLevel, string[]>>>>;
}

/** The schools a waiting child of `area` and `level` may be placed at; undefined when any named one may. */
export function schoolsOf(table: CapacityTable, area: Area, level: SchoolLevel): readonly string[] | undefined {
  return table.schools?.[area]?.[level];
}

/** Which capacity a reservation draws on; unlimited kinds have no capacity. */
export type PoolRef =
  | { kind: 'school_place'; area: Area; level: SchoolLevel }
  | { kind: 'collective_household_slot'; area: Area }
  /**
   * A points admission. Taken on a round's admission (issue 13), the slot comes from the year's
   * pool with the limit the round gives (every quota of the year up to that round); without
   * `round` (cases from before the rounds), from the capacity file's lifetime pointsQuota.
   */
  | { kind: 'quota_slot'; district: District; round?: { id: string; year: number; limit: number; version: string } }
  | { kind: 'residence_confirmation'; area: Area }
  | { kind: 'provisional_registration' };

// Compile-time proof that every reservation kind has a pool reference, and no other kind does.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const everyKind: Same<PoolRef['kind'], ReservationKind> = true;
void everyKind;

/** The pool's key: one counter of held reservations per key. */
export function poolKey(ref: PoolRef): string {
  switch (ref.kind) {
    case 'school_place':
      return `school:${ref.area}:${ref.level}`;
    case 'collective_household_slot':
      return `collective:${ref.area}`;
    case 'quota_slot':
      return ref.round ? `quota:${ref.district}:${ref.round.year}` : `quota:${ref.district}`;
    case 'residence_confirmation':
      return `residence:${ref.area}`;
    case 'provisional_registration':
      return 'provisional_registration';
  }
}

/** The capacity a table gives a pool; null = unlimited (confirmations and registrations). */
export function capacityOf(table: CapacityTable, ref: PoolRef): number | null {
  switch (ref.kind) {
    case 'school_place':
      return table.schoolPlaces[ref.area][ref.level];
    case 'collective_household_slot':
      return table.collectiveHouseholds[ref.area];
    case 'quota_slot':
      return ref.round ? ref.round.limit : table.pointsQuota[ref.district];
    default:
      return null;
  }
}

/** The table in force on a date (YYYY-MM-DD): the latest effectiveFrom not after it. */
export function capacityTableInForce(tables: readonly CapacityTable[], date: string): CapacityTable | undefined {
  const starts = new Set<string>();
  for (const t of tables) {
    if (starts.has(t.effectiveFrom)) throw new Error(`two capacity files share effectiveFrom ${t.effectiveFrom}`);
    starts.add(t.effectiveFrom);
  }
  return tables.filter((t) => t.effectiveFrom <= date).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
}

/** A reservation the workflow asks for: one slot of a pool for one item of a case. */
export interface ReserveInput {
  caseId: string;
  kind: ReservationKind;
  /** The pool's key, `poolKey(ref)`: what release and the case state name. */
  pool: string;
  item: string;
  /** Which capacity the pool draws on (area, level, district). */
  ref: PoolRef;
}

export type ReserveResult =
  /**
   * `used`: the pool's use as the reservation saw it; absent for an unlimited pool (nothing bounds
   * it, and counting a city's confirmations on every reservation would cost what the pool holds).
   * `departmentRecordId`: the record the owning department wrote for it (issue 14); none for our own quota.
   */
  | { status: 'held'; pool: string; used?: number; limit: number | null; departmentRecordId?: string }
  /** School places only: the level is full; the child waits at `position` (1 = next). */
  | { status: 'waiting'; pool: string; position: number; limit: number }
  /**
   * The reservation was released before the attempt recorded it (an attempt that ran on past its
   * timeout, a waiting child's recheck beside an officer's placement, or an admission whose round
   * has removed the entry and given back its slot): what it took is given back.
   */
  | { status: 'released'; pool: string };

export type ReleaseInput = Pick<ReserveInput, 'caseId' | 'kind' | 'pool' | 'item'>;

/** The refusal of a reservation whose pool is full (never for a school place: the child waits). */
export const CAPACITY_EXHAUSTED = 'CapacityExhausted';
