/**
 * Which secrets each of the system's processes reads. A secret given to a process that does not
 * read it is one more copy to leak with that process's environment (a crash dump, a `docker
 * inspect`, a stand-in's host): docker-compose.yml gives each service only its own
 * (test/unit/docker-compose.test.ts checks it against this table), and a production process given
 * another's says so at start (README "Configuration").
 */
import type { Logger } from 'pino';
import { SECRET_VARIABLES, type SecretVariable } from './secret-rules';

export const PROCESS_SECRETS = {
  /** Verifies tokens, signs sessions, opens sealed data and payloads, takes the signed callbacks. */
  api: [
    'AUTH_JWT_SECRET',
    'SESSION_SECRET',
    'METRICS_TOKEN',
    'PAYLOAD_ENCRYPTION_KEYS',
    'DATA_ENCRYPTION_KEYS',
    'BLIND_INDEX_KEY',
    'REGISTER_CALLBACK_SECRET',
    'SMS_CALLBACK_SECRET',
  ],
  /** Seals payloads and personal data, calls the department systems and the SMS gateway. */
  worker: [
    'PAYLOAD_ENCRYPTION_KEYS',
    'DATA_ENCRYPTION_KEYS',
    'BLIND_INDEX_KEY',
    'DEPARTMENT_SYSTEMS_API_KEY',
    'SMS_GATEWAY_API_KEY',
  ],
  /** Stands in for the departments' systems and the SMS gateway: their side of the credentials. */
  simulator: ['SIMULATOR_API_KEYS', 'REGISTER_CALLBACK_SECRET', 'SMS_CALLBACK_SECRET'],
  /** Stands in for a mail server: none. */
  'mail-sink': [],
} as const satisfies Record<string, readonly SecretVariable[]>;

export type ProcessName = keyof typeof PROCESS_SECRETS;

/** The secrets set in `env` that the process `name` does not read. */
export function secretsNotUsedBy(name: ProcessName, env: NodeJS.ProcessEnv): SecretVariable[] {
  const own: readonly SecretVariable[] = PROCESS_SECRETS[name];
  return SECRET_VARIABLES.filter((secret) => env[secret] && !own.includes(secret));
}

/**
 * In production, logs (once, at start) the secrets this process was given but does not read;
 * names only, never values. A warning, not a refusal: one environment file shared by every
 * process still starts, and the operator is told what to take out of it.
 */
export function warnSecretsNotUsed(name: ProcessName, logger: Logger, env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_ENV !== 'production') return;
  const extra = secretsNotUsedBy(name, env);
  if (extra.length === 0) return;
  logger.warn(
    { secrets: extra },
    `secrets this ${name} does not use are in its environment: give each process only its own (README "Configuration")`,
  );
}
