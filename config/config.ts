/**
 * The one place that reads the environment. Validated once at start-up with defaults; a bad
 * value stops the process with a message naming the variable (fail fast, not at first use).
 */
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const durationMs = z.coerce.number().int().min(1);

/** Every variable the app understands. docker-compose.yml is checked against these names. */
export const CONFIG_SCHEMA = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
    .default('mongodb://127.0.0.1:27017/hukou'),
  /** How long a MongoDB operation may wait for a server before the API answers 503. */
  MONGODB_SERVER_SELECTION_TIMEOUT_MS: durationMs.default(5000),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:/]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('settlement-cases'),
  TEMPORAL_UI_URL: z.string().url().optional(),
  /** Base URL of the department information systems (the bundled simulator by default). */
  DEPARTMENT_SYSTEMS_URL: z.string().url().default('http://127.0.0.1:3100'),
  /** Per lookup: a slower department system counts as unavailable and the lookup is retried. */
  DEPARTMENT_SYSTEMS_TIMEOUT_MS: durationMs.default(5000),
  SIMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  SIMULATOR_PORT: port.default(3100),
  /** A workflow bundle prepared ahead (scripts do this once); unset, the worker bundles at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
});

export type Config = z.infer<typeof CONFIG_SCHEMA>;
export const CONFIG_KEYS = Object.keys(CONFIG_SCHEMA.shape) as (keyof Config)[];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = CONFIG_SCHEMA.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => {
    const key = String(i.path[0] ?? '?');
    return `  ${key}=${JSON.stringify(env[key] ?? '')}: ${i.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}
