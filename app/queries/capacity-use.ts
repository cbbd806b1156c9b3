/**
 * Capacity use per pool for the supervisor dashboard (issue 11): every capacity-limited pool
 * the capacity file in force today defines (points quota per district, collective-household
 * places per area, school places per area and level), its limit, and how many places are held
 * now: the slots held in it (models/pool-use.ts), counted per pool with an equality FerretDB
 * pushes down.
 */
import { capacityOf, poolKey, type Area, type PoolRef } from '../../domain/capacity';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { DISTRICTS, SCHOOL_LEVELS, TOWNS, type Route } from '../../domain/vocabulary';
import { poolsUse } from '../../models/pool-use';
import { capacityTableOn } from '../../policy/capacity-files';
import type { AppDeps } from '../deps';

export const POOL_KINDS = ['quota', 'collective', 'kindergarten', 'primary', 'junior_secondary'] as const;
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
  const table = capacityTableOn(shanghaiToday(now));
  const refs = poolRefs(areas).map((r) => ({ ...r, pool: poolKey(r.ref), limit: capacityOf(table, r.ref) ?? 0 }));
  const held = await poolsUse(
    deps.mongo,
    refs.map((r) => r.pool),
  );
  return refs.map((r) => ({ pool: r.pool, kind: r.kind, area: r.area, limit: r.limit, held: held[r.pool] ?? 0 }));
}
