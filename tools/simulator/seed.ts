/**
 * Seeds the simulated department systems with people (the demo personas unless told otherwise;
 * `npm start` adds the people files of people-file.ts) and school capacity.
 * Idempotent and restoring: every run `$set`s each person's values (and `$unset`s departments a
 * person has no record in), so re-seeding after a demo or test changed something puts the
 * demo world back, and running it twice leaves the same documents.
 */
import type { Connection } from 'mongoose';
import { DEPARTMENTS, type SchoolLevel } from '../../domain/vocabulary';
import { ALL_DEMO_PEOPLE, isSeeded, type DemoPerson } from './demo-people';
import { departmentRecordModel, schoolCapacityModel, type SimulatorArea } from './records.model';

/**
 * Free places per area. Beilin is full for kindergarten and junior secondary, so "no place"
 * paths can be exercised; Yanta (where the demo family applies) has room at every level.
 */
export const DEMO_SCHOOL_CAPACITY: Readonly<Record<SimulatorArea, Readonly<Record<SchoolLevel, number>>>> = {
  xincheng: { kindergarten: 6, primary: 20, junior_secondary: 15 },
  beilin: { kindergarten: 0, primary: 5, junior_secondary: 0 },
  lianhu: { kindergarten: 4, primary: 12, junior_secondary: 10 },
  baqiao: { kindergarten: 10, primary: 25, junior_secondary: 18 },
  weiyang: { kindergarten: 8, primary: 30, junior_secondary: 20 },
  yanta: { kindergarten: 12, primary: 40, junior_secondary: 25 },
  yanliang: { kindergarten: 5, primary: 10, junior_secondary: 8 },
  lintong: { kindergarten: 6, primary: 14, junior_secondary: 9 },
  changan: { kindergarten: 15, primary: 35, junior_secondary: 22 },
  gaoling: { kindergarten: 3, primary: 8, junior_secondary: 6 },
  lantian: { kindergarten: 4, primary: 9, junior_secondary: 7 },
  huyi: { kindergarten: 5, primary: 11, junior_secondary: 8 },
  zhouzhi: { kindergarten: 2, primary: 6, junior_secondary: 4 },
};

export interface SeedSummary {
  /** People with at least one department record. */
  people: number;
  areas: number;
}

export async function seedDepartmentSystems(
  conn: Connection,
  everyone: readonly DemoPerson[] = ALL_DEMO_PEOPLE,
): Promise<SeedSummary> {
  const records = departmentRecordModel(conn);
  const capacity = schoolCapacityModel(conn);
  // Touch-free when the indexes exist; needed before the first write on a fresh database.
  await Promise.all([records.init(), capacity.init()]);

  let people = 0;
  for (const person of everyone) {
    if (!isSeeded(person)) {
      // Deliberately unknown to every system: remove any record a test or demo may have added.
      await records.deleteOne({ _id: person.idNumber });
      continue;
    }
    const set: Record<string, unknown> = {};
    const unset: Record<string, 1> = {};
    for (const dept of DEPARTMENTS) {
      const rec = person.records[dept];
      if (rec) set[dept] = rec;
      else unset[dept] = 1;
    }
    await records.updateOne(
      { _id: person.idNumber },
      Object.keys(unset).length > 0 ? { $set: set, $unset: unset } : { $set: set },
      { upsert: true, runValidators: true },
    );
    people++;
  }

  const areas = Object.entries(DEMO_SCHOOL_CAPACITY) as [SimulatorArea, Record<SchoolLevel, number>][];
  for (const [area, places] of areas) {
    await capacity.updateOne({ _id: area }, { $set: { ...places } }, { upsert: true, runValidators: true });
  }
  return { people, areas: areas.length };
}
