/**
 * What production refuses as a secret (issue 15 §6): a value anyone can read in this repository
 * (the defaults docker-compose.yml once shipped, the development values the code supplies, the
 * placeholders of the README), a value shorter than the minimum, one made up by hand rather than
 * drawn at random (`aaaa…`, a word repeated), and one value used for two different secrets (one
 * leak would then open two doors). Every message names the variable and never the value:
 * configuration errors end up in logs.
 */
import {
  DEVELOPMENT_BLIND_INDEX_KEY,
  DEVELOPMENT_DATA_KEY,
  DEVELOPMENT_SIMULATOR_API_KEY,
  DEVELOPMENT_SMS_CALLBACK_SECRET,
} from './development-secrets';

/** The shortest secret production accepts. */
export const MIN_PRODUCTION_SECRET_LENGTH = 32;
/**
 * The fewest different characters a secret (and different bytes a base64 key) may hold. A random
 * 32-character secret has about 26 of its alphabet (hex: 14), 32 random bytes about 30 values:
 * these floors refuse `aaaa…`, `Buffer.alloc(32, 1)` and a short word repeated, never chance.
 */
const MIN_DISTINCT_CHARACTERS = 10;
const MIN_DISTINCT_KEY_BYTES = 16;

/**
 * Every variable that holds a secret, as the config yields it (a string, or a list of keys).
 * test/unit/docker-compose.test.ts requires docker-compose.yml to take each of these from the
 * user (`${X:?…}`), never from a default written in the file.
 */
export const SECRET_VARIABLES = [
  'AUTH_JWT_SECRET',
  'SESSION_SECRET',
  'PAYLOAD_ENCRYPTION_KEYS',
  'METRICS_TOKEN',
  'REGISTER_CALLBACK_SECRET',
  'SMS_CALLBACK_SECRET',
  'DEPARTMENT_SYSTEMS_API_KEY',
  'SMS_GATEWAY_API_KEY',
  'SIMULATOR_API_KEYS',
  'DATA_ENCRYPTION_KEYS',
  'BLIND_INDEX_KEY',
] as const;

/** Key lists whose entries may carry an `<id>:` before the key itself (security/keyring.ts). */
const KEY_LISTS: ReadonlySet<SecretVariable> = new Set(['PAYLOAD_ENCRYPTION_KEYS', 'DATA_ENCRYPTION_KEYS']);
export type SecretVariable = (typeof SECRET_VARIABLES)[number];

/**
 * One credential seen from both ends: the key the engine sends to the department systems (and
 * the SMS gateway) is one the simulator accepts. These may share a value; nothing else may.
 */
const ONE_CREDENTIAL: ReadonlySet<SecretVariable> = new Set([
  'DEPARTMENT_SYSTEMS_API_KEY',
  'SMS_GATEWAY_API_KEY',
  'SIMULATOR_API_KEYS',
]);

/**
 * Values published in this repository. The first three are the defaults docker-compose.yml
 * shipped until it required every secret from the user: an old `.env` may still hold them.
 */
export const KNOWN_DEFAULT_SECRETS: readonly string[] = [
  'change-me-to-a-long-random-secret-of-32-chars-or-more',
  'change-me-to-a-long-random-callback-secret-32-chars',
  'change-me-to-a-long-random-sms-secret-32-chars',
  DEVELOPMENT_SMS_CALLBACK_SECRET,
  DEVELOPMENT_SIMULATOR_API_KEY,
  // What sealed personal data outside production: anyone with this source can open it.
  DEVELOPMENT_DATA_KEY,
  DEVELOPMENT_BLIND_INDEX_KEY,
];

/** Placeholder words: a value built around one was never meant to be used. */
const PLACEHOLDER = /change[-_ ]?me|replace[-_ ]?me|not[-_ ]for[-_ ]production/i;

export interface SecretIssue {
  path: [SecretVariable];
  message: string;
}

type SecretValues = { [K in SecretVariable]?: string | readonly string[] | undefined };

const valuesOf = (v: string | readonly string[] | undefined): string[] =>
  v === undefined ? [] : typeof v === 'string' ? [v] : [...v];

/** Keys read as base64: the development keys are refused however they are written (padding, base64url, spaces). */
const BASE64_KEYS: ReadonlySet<SecretVariable> = new Set(['DATA_ENCRYPTION_KEYS', 'BLIND_INDEX_KEY', 'PAYLOAD_ENCRYPTION_KEYS']);
const DEVELOPMENT_KEY_BYTES = [DEVELOPMENT_DATA_KEY, DEVELOPMENT_BLIND_INDEX_KEY].map((k) => Buffer.from(k, 'base64'));
const isDevelopmentKey = (name: SecretVariable, material: string): boolean =>
  BASE64_KEYS.has(name) && DEVELOPMENT_KEY_BYTES.some((k) => k.equals(Buffer.from(material, 'base64')));

/** A value too uniform to have come from a random source: few different symbols, or one unit repeated. */
function looksMadeUp(name: SecretVariable, material: string): boolean {
  if (new Set(material).size < MIN_DISTINCT_CHARACTERS) return true;
  // A string is a repetition of a shorter unit exactly when it occurs inside itself doubled.
  if ((material + material).indexOf(material, 1) < material.length) return true;
  return BASE64_KEYS.has(name) && new Set(Buffer.from(material, 'base64')).size < MIN_DISTINCT_KEY_BYTES;
}

/** The production checks on every secret that is set; empty when all pass. */
export function productionSecretIssues(config: SecretValues): SecretIssue[] {
  const issues: SecretIssue[] = [];
  const seen = new Map<string, SecretVariable>();
  for (const name of SECRET_VARIABLES) {
    for (const value of valuesOf(config[name])) {
      const issue = (message: string) => issues.push({ path: [name], message });
      // The key itself, without its id: one key under two ids (or in two lists) is still one key.
      const material = KEY_LISTS.has(name) ? value.slice(value.lastIndexOf(':') + 1) : value;
      if (
        KNOWN_DEFAULT_SECRETS.includes(value) ||
        KNOWN_DEFAULT_SECRETS.includes(material) ||
        isDevelopmentKey(name, material) ||
        PLACEHOLDER.test(value)
      ) {
        issue(
          'is a published default or placeholder (docker-compose.yml, README, development); set a random secret, e.g. `openssl rand -base64 32`',
        );
        continue;
      }
      if (value.length < MIN_PRODUCTION_SECRET_LENGTH) {
        issue(`is shorter than ${MIN_PRODUCTION_SECRET_LENGTH} characters; production needs a long random secret`);
        continue;
      }
      if (looksMadeUp(name, material)) {
        issue(
          'is not random (too few different characters, or a pattern repeated); set a random secret, e.g. `openssl rand -base64 32`',
        );
        continue;
      }
      const other = seen.get(material);
      if (other !== undefined && other !== name && !(ONE_CREDENTIAL.has(other) && ONE_CREDENTIAL.has(name))) {
        issue(`has the same value as ${other}; every secret must be a value of its own`);
        continue;
      }
      seen.set(material, name);
    }
  }
  return issues;
}
