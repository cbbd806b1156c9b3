/**
 * (6) Contended reservations (issue 12, "no hot documents"): the `reserve` activity called
 * directly, in this process, against the run's FerretDB — first one reservation at a time
 * (lone), then `contended` at once into one area's pool, as when a surge of approvals in one
 * town reaches the commit phase together. Both kinds a town case can take are measured: the
 * unlimited residence confirmation and a collective-household slot whose pool has exactly
 * `contended` places (so every one of them must be taken, none twice). A dedicated database
 * and a capacity folder of the phase's own; the database is dropped afterwards.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createReservationActivities } from '../../activities/reservations.activities';
import { poolKey, type CapacityTable, type PoolRef, type ReserveInput } from '../../domain/capacity';
import type { Town } from '../../domain/vocabulary';
import { connectMongo } from '../../models/connection';
import { poolUse } from '../../models/pool-use';
import { CAPACITY_DIR } from '../../policy/capacity-files';
import { latencies, timed, type Latencies } from '../lib/measure';
import { say } from '../lib/progress';

export interface ReservationFigures {
  lone: Latencies;
  contended: Latencies;
  /** Calls that failed (a refusal or an error): 0 when the pool held exactly what was asked. */
  failures: number;
  /** Held slots counted afterwards in the contended pool. */
  held: number;
  /** Wall time of the contended burst. */
  burstMs: number;
}

export interface ContendedReservations {
  contended: number;
  lone: number;
  residence: ReservationFigures;
  collective: ReservationFigures;
}

const LONE_TOWN: Town = 'lantian';
const BUSY_TOWN: Town = 'zhouzhi';

export async function measureContendedReservations(
  mongoUri: string,
  sizes: { contended: number; lone: number },
): Promise<ContendedReservations> {
  const db = `bench_reservations_${Date.now()}`;
  const url = new URL(mongoUri);
  url.pathname = `/${db}`;
  const mongo = await connectMongo({ uri: url.toString(), serverSelectionTimeoutMS: 5000 });
  const capacityDir = mkdtempSync(join(tmpdir(), 'bench-capacities-'));
  try {
    const file = 'xian-capacity-2026.json';
    const table = JSON.parse(readFileSync(join(CAPACITY_DIR, file), 'utf8')) as CapacityTable;
    table.collectiveHouseholds[LONE_TOWN] = sizes.lone;
    table.collectiveHouseholds[BUSY_TOWN] = sizes.contended;
    writeFileSync(join(capacityDir, file), JSON.stringify(table));
    const acts = createReservationActivities({ mongo, capacityDir });
    const input = (ref: PoolRef): ReserveInput => ({
      caseId: randomUUID(),
      kind: ref.kind,
      pool: poolKey(ref),
      item: 'household',
      ref,
    });
    // Indexes and the first connections, outside every figure.
    await acts.reserve(input({ kind: 'residence_confirmation', area: 'xincheng' }));

    const measure = async (refOf: (town: Town) => PoolRef, what: string): Promise<ReservationFigures> => {
      const lone: number[] = [];
      for (let i = 0; i < sizes.lone; i++) lone.push(await timed(() => acts.reserve(input(refOf(LONE_TOWN)))));
      say(`(6) ${what}: ${sizes.contended} reservations at once into ${poolKey(refOf(BUSY_TOWN))}…`);
      let failures = 0;
      const t0 = performance.now();
      const contended = await Promise.all(
        Array.from({ length: sizes.contended }, () =>
          timed(() => acts.reserve(input(refOf(BUSY_TOWN)))).catch((err: unknown) => {
            failures++;
            say(`  reserve failed: ${err instanceof Error ? err.message : String(err)}`);
            return Number.NaN;
          }),
        ),
      );
      const burstMs = performance.now() - t0;
      const held = await poolUse(mongo, poolKey(refOf(BUSY_TOWN)));
      const figures = {
        lone: latencies(lone),
        contended: latencies(contended.filter(Number.isFinite)),
        failures,
        held,
        burstMs,
      };
      say(
        `    lone p50 ${figures.lone.p50.toFixed(1)} p99 ${figures.lone.p99.toFixed(1)} ms; ` +
          `contended p50 ${figures.contended.p50.toFixed(1)} p99 ${figures.contended.p99.toFixed(1)} ms, ` +
          `burst ${(burstMs / 1000).toFixed(1)} s, ${held} held, ${failures} failed`,
      );
      return figures;
    };

    const residence = await measure((area) => ({ kind: 'residence_confirmation', area }), 'residence confirmations (unlimited)');
    const collective = await measure(
      (area) => ({ kind: 'collective_household_slot', area }),
      `collective-household slots (limit ${sizes.contended})`,
    );
    return { contended: sizes.contended, lone: sizes.lone, residence, collective };
  } finally {
    rmSync(capacityDir, { recursive: true, force: true });
    await mongo.dropDatabase().catch(() => undefined);
    await mongo.close();
  }
}
