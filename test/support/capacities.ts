/**
 * A capacity folder of a test's own: a copy of the shipped capacity file with the figures the
 * test needs, rewritable while the worker runs (capacities are read at each reservation).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPACITY_DIR } from '../../policy/capacity-files';
import type { CapacityTable } from '../../domain/capacity';

const SHIPPED = 'xian-capacity-2026.json';

export interface TestCapacities {
  dir: string;
  /** Rewrites the file: the shipped figures with `edit` applied (as an operator editing it would). */
  set(edit: (t: CapacityTable) => void): void;
}

export function testCapacities(edit: (t: CapacityTable) => void = () => undefined): TestCapacities {
  const dir = mkdtempSync(join(tmpdir(), 'hukou-capacities-'));
  const set = (e: (t: CapacityTable) => void): void => {
    const table = JSON.parse(readFileSync(join(CAPACITY_DIR, SHIPPED), 'utf8')) as CapacityTable;
    e(table);
    writeFileSync(join(dir, SHIPPED), JSON.stringify(table, null, 2));
  };
  set(edit);
  return { dir, set };
}
