/**
 * Reads the admission-round files (policy/rounds/*.json, one per year; issue 13). Looked at afresh
 * on each call (parsed again when changed, parsed-file.ts), like the capacity files: a new year's rounds reach the next case that looks for a
 * round without restarting anything.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RoundsFile } from '../domain/admission-rounds';
import { parseRoundsFile } from '../domain/admission-rounds.parse';
import { parsedFile, parseJson } from './parsed-file';

export const ROUNDS_DIR = join(__dirname, 'rounds');

export function loadRoundsFiles(dir = ROUNDS_DIR): RoundsFile[] {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const files = names.map((f) => parsedFile(join(dir, f), (text) => parseRoundsFile(parseJson(text, join(dir, f)), f)));
  // Which file said it first, so a clash names both files.
  const ids = new Map<string, string>();
  const years = new Map<number, string>();
  files.forEach((file, i) => {
    const name = names[i]!;
    const year = years.get(file.year);
    if (year) throw new Error(`rounds files ${year} and ${name} in ${dir} are both for ${file.year}`);
    years.set(file.year, name);
    for (const r of file.rounds) {
      const first = ids.get(r.id);
      if (first) throw new Error(`round ${r.id} appears twice in ${dir}: in ${first === name ? name : `${first} and ${name}`}`);
      ids.set(r.id, name);
    }
  });
  return files;
}
