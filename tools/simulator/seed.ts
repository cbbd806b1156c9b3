/**
 * Seeds the simulated department systems with people (the demo personas unless told otherwise;
 * `npm start` adds the people files of people-file.ts). School places are not a person's record:
 * they are capacities, in policy/capacities/ (read by the engine, not the simulator).
 * Idempotent and restoring: every run `$set`s each person's values (and `$unset`s departments a
 * person has no record in), so re-seeding after a demo or test changed something puts the
 * demo world back, and running it twice leaves the same documents.
 */
import type { Connection } from 'mongoose';
import { DEPARTMENTS } from '../../domain/vocabulary';
import { ALL_DEMO_PEOPLE, isSeeded, type DemoPerson } from './demo-people';
import { departmentRecordModel } from './records.model';

export interface SeedSummary {
  /** People with at least one department record. */
  people: number;
}

export async function seedDepartmentSystems(
  conn: Connection,
  everyone: readonly DemoPerson[] = ALL_DEMO_PEOPLE,
): Promise<SeedSummary> {
  const records = departmentRecordModel(conn);
  // Touch-free when the indexes exist; needed before the first write on a fresh database.
  await records.init();

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

  return { people };
}
