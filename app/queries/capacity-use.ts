/**
 * Capacity use per pool for the supervisor dashboard (issue 11): every capacity-limited pool
 * the capacity file in force today defines (points quota per district, collective-household
 * places per area, school places per area and level), its limit, and how many places are held
 * now: the slots held in it (models/pool-use.ts), counted per pool with an equality FerretDB
 * pushes down.
 */
import { capacityOf, poolKey, type Area, type PoolRef } from '../../domain/capacity';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { roundPoolKey } from '../../domain/admission-rounds';
import { DISTRICTS, SCHOOL_LEVELS, TOWNS, type District, type Route } from '../../domain/vocabulary';
import { poolsUse } from '../../models/pool-use';
import { capacityTableOn } from '../../policy/capacity-files';
import type { AppDeps } from '../deps';
import { roundsFilesOf } from '../round-calls';

/**
 * `round_quota`: a district's points quota for this year's admission rounds (the sum of the
 * year's rounds in the rounds file; admitted cases hold its slots). `quota`: the capacity file's
 * points quota outside the rounds (cases from before them, or a year without a rounds file).
 */
export const POOL_KINDS = ['round_quota', 'quota', 'collective', 'kindergarten', 'primary', 'junior_secondary'] as const;
export type PoolKind = (typeof POOL_KINDS)[number];

export interface PoolUse {
  pool: string;
  kind: PoolKind;
  area: Area;
  limit: number;
  held: number;
}

function poolRefs(areas: readonly Area[]): Array<{ ref: PoolRef; kind: PoolKind; area: Area }> {
  return areas.flatMap((area) => [
    ...((DISTRICTS as readonly string[]).includes(area)
      ? [{ ref: { kind: 'quota_slot', district: area } as PoolRef, kind: 'quota' as const, area }]
      : []),
    { ref: { kind: 'collective_household_slot', area } as PoolRef, kind: 'collective' as const, area },
    ...SCHOOL_LEVELS.map((level) => ({ ref: { kind: 'school_place', area, level } as PoolRef, kind: level, area })),
  ]);
}

export async function capacityUse(deps: AppDeps, filter: { area?: Area; route?: Route }, now = new Date()): Promise<PoolUse[]> {
  const areas: readonly Area[] = filter.area
    ? [filter.area]
    : filter.route === 'points'
      ? DISTRICTS
      : filter.route === 'town'
        ? TOWNS
        : [...DISTRICTS, ...TOWNS];
  const today = shanghaiToday(now);
  const table = capacityTableOn(today, deps.config.CAPACITY_DIR);
  const refs: Array<Omit<PoolUse, 'held'>> = poolRefs(areas).map((r) => ({
    pool: poolKey(r.ref),
    kind: r.kind,
    area: r.area,
    limit: capacityOf(table, r.ref) ?? 0,
  }));
  // With this year's rounds announced, points cases are admitted against the year's pools: the
  // figure a supervisor reports is that quota, not the capacity file's (which then only counts
  // what cases from before the rounds still hold).
  const year = Number(today.slice(0, 4));
  const rounds = roundsFilesOf(deps).find((f) => f.year === year);
  const yearPools: Array<Omit<PoolUse, 'held'>> = rounds
    ? areas
        .filter((a): a is District => (DISTRICTS as readonly string[]).includes(a))
        .map((district) => ({
          pool: roundPoolKey(district, year),
          kind: 'round_quota' as const,
          area: district,
          limit: rounds.rounds.reduce((sum, r) => sum + (r.quota[district] ?? 0), 0),
        }))
    : [];
  const all = [...yearPools, ...refs];
  const held = await poolsUse(
    deps.mongo,
    all.map((r) => r.pool),
  );
  return all.map((r) => ({ ...r, held: held[r.pool] ?? 0 })).filter((r) => !(rounds && r.kind === 'quota' && r.held === 0));
}
