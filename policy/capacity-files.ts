/**
 * Reads the capacity files (policy/capacities/*.json) each time a reservation asks: they are a
 * handful of small files, and reading them afresh is what makes an edited or newly dated file
 * apply to the very next reservation without restarting the worker. Beside the data, like the
 * other policy loaders (policy-files.ts); the reservation activities read through it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { capacityTableInForce, type CapacityTable } from '../domain/capacity';
import { parseCapacityTable } from '../domain/capacity.parse';

export const CAPACITY_DIR = join(__dirname, 'capacities');

export function loadCapacityTables(dir = CAPACITY_DIR): CapacityTable[] {
  const tables = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => parseCapacityTable(JSON.parse(readFileSync(join(dir, f), 'utf8')), f));
  const versions = new Set<string>();
  for (const t of tables) {
    if (versions.has(t.version)) throw new Error(`capacity version ${t.version} appears twice in ${dir}`);
    versions.add(t.version);
  }
  return tables;
}

/** The capacities in force on a date (YYYY-MM-DD, Asia/Shanghai); a gap in the data is an error, never "no places". */
export function capacityTableOn(date: string, dir = CAPACITY_DIR): CapacityTable {
  const table = capacityTableInForce(loadCapacityTables(dir), date);
  if (!table) throw new Error(`no capacity file in ${dir} is in force on ${date}`);
  return table;
}
