/**
 * Variables set in the environment that look like ours but that nothing reads: a misspelling
 * (`SLA_POLICE_WORKINGDAYS`), or a name from another version's README. Read silently, a typo
 * leaves a default in force with nobody told; each process logs these once at start as a warning,
 * with the name it does read. "Looks like ours": it begins with the first word of two or more of
 * our variables (SLA_, NOTICE_, …), not with a word other software uses too, and is a few letters
 * from one of them.
 */
import type { Logger } from 'pino';
import { CONFIG_KEYS } from './config';

/**
 * First words shared with other software's variables (NODE_OPTIONS, DATA_DIR, …; Temporal's own
 * CLI and UI read TEMPORAL_CODEC_ENDPOINT, TEMPORAL_TLS_*, …).
 */
const COMMON_WORDS = new Set(['NODE', 'DATA', 'API', 'LOG', 'PUBLIC', 'WORKER', 'CHECK', 'AUTO', 'RATE', 'TRUST', 'TEMPORAL']);

/** Variables of ours that a script or test reads rather than config.ts (`npm test -- …` knobs). */
const SCRIPT_VARIABLES = new Set(['WEB_FUZZ_RUNS']);

export interface UnknownVariable {
  name: string;
  /** The variable that is read a few letters from it. */
  nearest: string;
}

export function unknownVariables(env: NodeJS.ProcessEnv, known: readonly string[] = CONFIG_KEYS): UnknownVariable[] {
  const counts = new Map<string, number>();
  for (const k of known) counts.set(firstWord(k), (counts.get(firstWord(k)) ?? 0) + 1);
  const ours = (name: string) => (counts.get(firstWord(name)) ?? 0) >= 2 && !COMMON_WORDS.has(firstWord(name));
  return Object.keys(env)
    .filter((name) => env[name] !== undefined && ours(name) && !known.includes(name) && !SCRIPT_VARIABLES.has(name))
    .sort()
    .flatMap((name) => {
      // Only a near miss is a misspelling: a name far from every one of ours is another program's
      // (MAIL, SESSION_MANAGER, an orchestrator's MONGODB_SERVICE_HOST).
      const nearest = nearestName(name, known);
      return nearest ? [{ name, nearest }] : [];
    });
}

const firstWord = (name: string) => name.split('_')[0]!;

function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(name, k);
    if (!best || d < best.d) best = { name: k, d };
  }
  return best && best.d <= 3 ? best.name : undefined;
}

/** Levenshtein distance (names are short: the plain table is enough). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Logs each unknown variable once, as a warning (README "Configuration"). */
export function warnUnknownVariables(logger: Logger, env: NodeJS.ProcessEnv = process.env): void {
  for (const u of unknownVariables(env)) {
    logger.warn(
      { variable: u.name, didYouMean: u.nearest },
      'environment variable not read by this system (a misspelling? the variable meant keeps its default)',
    );
  }
}
