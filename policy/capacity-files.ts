/**
 * Reads the capacity files (policy/capacities/*.json) each time a reservation asks (parsed again
 * only when a file changed, parsed-file.ts): looking at them afresh is what makes an edited or newly dated file
 * apply to the very next reservation without restarting the worker. Beside the data, like the
 * other policy loaders (policy-files.ts); the reservation activities read through it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { capacityTableInForce, type CapacityTable } from '../domain/capacity';
import { parseCapacityTable } from '../domain/capacity.parse';
import { parsedFile, parseJson } from './parsed-file';

export const CAPACITY_DIR = join(__dirname, 'capacities');

export function loadCapacityTables(dir = CAPACITY_DIR): CapacityTable[] {
  const tables = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => parsedFile(join(dir, f), (text) => parseCapacityTable(parseJson(text, join(dir, f)), f)));
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
