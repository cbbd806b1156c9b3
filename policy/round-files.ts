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
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => parsedFile(join(dir, f), (text) => parseRoundsFile(parseJson(text, join(dir, f)), f)));
  const ids = new Set<string>();
  const years = new Set<number>();
  for (const file of files) {
    if (years.has(file.year)) throw new Error(`two rounds files in ${dir} are for ${file.year}`);
    years.add(file.year);
    for (const r of file.rounds) {
      if (ids.has(r.id)) throw new Error(`round ${r.id} appears twice in ${dir}`);
      ids.add(r.id);
    }
  }
  return files;
}
