/**
 * The one place that reads the environment. Validated once at start-up with defaults; a bad
 * value stops the process with a message naming the variable (fail fast, not at first use).
 */
import { z } from 'zod';
import { DEPARTMENTS } from '../domain/vocabulary';
import { retentionPeriodIssues, type RetentionPeriods } from '../domain/retention';
import { DEVELOPMENT_SIMULATOR_API_KEY, DEVELOPMENT_SMS_CALLBACK_SECRET } from './development-secrets';
import { productionSecretIssues, SECRET_VARIABLES } from './secret-rules';
import { tlsFileIssues } from './tls-options';
import { SUITE_IDS } from '../security/cipher-suites';
import { parseDataKey } from '../security/keyring';

const port = z.coerce.number().int().min(1).max(65535);
const durationMs = z.coerce.number().int().min(1);
/** A data key as configured: `<id>:<base64>` or base64 alone (security/keyring.ts). */
const dataKey = z.string().refine((k) => {
  try {
    parseDataKey(k);
    return true;
  } catch {
    return false;
  }
}, 'each key must be 32 bytes, base64-encoded, optionally prefixed by "<id>:"');
const workingDays = z.coerce.number().int().min(1).max(365);

/** Every variable the app understands. docker-compose.yml is checked against these names. */
/** A comma-separated list (blanks and spaces ignored), each item checked by `item`; `fallback` when unset. */
export function commaList<T extends z.ZodType<unknown, string>>(item: T, fallback = '') {
  return z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));
}

const CONFIG_SCHEMA = z.object({
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
  /** The driver's heartbeat period; 5 periods without a successful one fail /healthz (models/mongo-watchdog.ts). */
  MONGODB_HEARTBEAT_MS: durationMs.default(2000),
  /**
   * The driver's connection pool per process. FerretDB on PostgreSQL needs its own pool to exceed
   * the sum of these over every process (the launchers check it: scripts/lib/store.ts).
   */
  /**
   * Reopen the MongoDB client in place after 5 silent heartbeat periods (models/mongo-watchdog.ts);
   * false leaves it to /healthz and an orchestrator's restart alone.
   */
  MONGODB_REOPEN_SILENT_CLIENT: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  MONGODB_MAX_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  /** PEM file of the CA that signed MongoDB's certificate; set, every connection uses TLS (config/tls-options.ts). */
  MONGODB_TLS_CA_FILE: z.string().min(1).optional(),
  /** PEM file holding this client's certificate and its key, for a server that asks for one (x.509 / mutual TLS). */
  MONGODB_TLS_CERT_KEY_FILE: z.string().min(1).optional(),
  /**
   * When MongoDB is FerretDB on PostgreSQL: that PostgreSQL database. The worker then adds the
   * PostgreSQL indexes FerretDB cannot make itself (models/postgresql-indexes.ts).
   */
  FERRETDB_POSTGRESQL_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:/]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /**
   * TLS towards Temporal (config/tls-options.ts): any of these set, the client and the worker talk
   * TLS. CA: the server's CA (unset: the system's roots); CERT + KEY: our client certificate
   * (mutual TLS, e.g. Temporal Cloud); SERVER_NAME: the name the server's certificate carries
   * when it differs from TEMPORAL_ADDRESS's host.
   */
  TEMPORAL_TLS_CA_FILE: z.string().min(1).optional(),
  TEMPORAL_TLS_CERT_FILE: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_FILE: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('settlement-cases'),
  /** How long an API request waits for Temporal (start, query, update) before it answers 503. */
  TEMPORAL_CALL_TIMEOUT_MS: durationMs.default(10_000),
  TEMPORAL_UI_URL: z.string().url().optional(),
  /**
   * Origins (scheme://host:port, comma-separated) of the Temporal UI allowed to call the codec
   * server (/codec, issue 15) from a browser; any other origin is refused.
   */
  CODEC_CORS_ORIGIN: commaList(
    z.string().regex(/^https?:\/\/[^/\s]+$/, 'an origin: scheme://host[:port], no path'),
    'http://localhost:8233,http://127.0.0.1:8233',
  ),
  /** Base URL of the department information systems (the bundled simulator by default). */
  DEPARTMENT_SYSTEMS_URL: z.string().url().default('http://127.0.0.1:3100'),
  /** Per lookup: a slower department system counts as unavailable and the lookup is retried. */
  DEPARTMENT_SYSTEMS_TIMEOUT_MS: durationMs.default(5000),
  /**
   * The Bearer key the engine presents to the department systems (lookups, register writes) and,
   * without SMS_GATEWAY_API_KEY, to the SMS gateway. Unset: a development key outside production,
   * none in production.
   */
  DEPARTMENT_SYSTEMS_API_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /**
   * The simulator: the Bearer keys it accepts, comma-separated, one per caller (so one can be
   * revoked alone). Required for the simulator in production; elsewhere the development key.
   */
  SIMULATOR_API_KEYS: commaList(z.string().min(32, 'each key must be at least 32 characters')),
  SIMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  SIMULATOR_PORT: port.default(3100),
  /** Extra people files or folders for the simulator, comma-separated, besides tools/simulator/people/. */
  SIMULATOR_PEOPLE: commaList(z.string()),
  // ---- identity (Bearer JWTs) ----
  /** HS256 shared secret (development / small deployments). Either this or AUTH_JWKS_URL. */
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** JWKS endpoint of an OIDC provider (RS256/ES256 tokens). */
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_ISSUER: z.string().min(1).default('hukou-settlement'),
  AUTH_AUDIENCE: z.string().min(1).default('hukou-settlement-api'),
  /**
   * The `iss` of tokens verified with AUTH_JWKS_URL when it differs from AUTH_ISSUER: with both
   * AUTH_JWT_SECRET and AUTH_JWKS_URL set (npm start), HS256 tokens carry AUTH_ISSUER and the
   * provider's tokens its own issuer URL.
   */
  AUTH_JWKS_ISSUER: z.string().min(1).optional(),
  // ---- the embedded identity provider (tools/identity; development default of npm start) ----
  IDENTITY_HOST: z.string().min(1).default('127.0.0.1'),
  IDENTITY_PORT: port.default(3200),
  /** The provider's issuer URL; default http://IDENTITY_HOST:IDENTITY_PORT/oidc. */
  IDENTITY_ISSUER: z.string().url().optional(),
  /** Where the provider keeps its signing keys (jwks.json) and cookie keys, made on first start. */
  IDENTITY_DATA_DIR: z.string().min(1).default('.data/identity'),
  /** Accounts file (tools/identity/accounts.dev.json when unset; refused in production). */
  IDENTITY_ACCOUNTS_FILE: z.string().min(1).optional(),
  /** Redirect URIs of the web pages' client (hukou-web), comma-separated; unset: the pages' own (identityWebClientUris). */
  IDENTITY_WEB_REDIRECT_URIS: commaList(z.string().url()),
  /** Where the web pages' client may be sent after signing out at the provider, comma-separated; unset: the pages' address. */
  IDENTITY_WEB_POST_LOGOUT_REDIRECT_URIS: commaList(z.string().url()),
  /**
   * Bearer token /metrics asks for (at least 16 characters). Unset: /metrics is open in
   * development and test, and switched off (404) in production.
   */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * Set: the API serves /metrics only on a second listener at METRICS_HOST:METRICS_PORT (an
   * internal address) and the public port answers 404 there. The API will not start in
   * production without it (apiConfigIssues).
   */
  METRICS_PORT: port.optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * `host:port` where the worker serves its Prometheus metrics (its own and the Temporal SDK's)
   * at /metrics, without authentication: keep it on loopback or a private network. Unset: the
   * worker serves no metrics (so several workers on one host never fight over a port).
   */
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):\d{1,5}$/, 'must be host:port (IPv6 in brackets)')
    .refine((a) => Number(a.slice(a.lastIndexOf(':') + 1)) <= 65535, 'port must be at most 65535')
    .optional(),
  /**
   * On SIGTERM a worker stops taking tasks and lets the activities it is running go on this long
   * before it cancels them (0: at once). Cut off, a department write or a notice send is retried
   * by another worker under the same idempotency key; finished, it is not tried again. The
   * notice dispatchers' long activity keeps sending during the grace, so a stop takes all of it.
   */
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(0),
  /**
   * A worker still draining this long after SIGTERM gives up and exits, so a stop never hangs:
   * keep it below the orchestrator's kill timeout (docker-compose's `stop_grace_period`).
   */
  WORKER_SHUTDOWN_FORCE_MS: durationMs.default(25_000),
  // ---- web pages (applicant portal, officer workbench) ----
  /** The pages' public base URL: the sign-in callback is WEB_BASE_URL/auth/callback. Default http://API_HOST:API_PORT. */
  WEB_BASE_URL: z.string().url().optional(),
  /** The OpenID Connect provider the pages sign in with; default AUTH_JWKS_ISSUER (npm start: the embedded one). */
  WEB_OIDC_ISSUER: z.string().url().optional(),
  WEB_OIDC_CLIENT_ID: z.string().min(1).default('hukou-web'),
  /** Signs the session cookie (at least 32 characters); required in production, npm start makes a development one. */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** A session idle this long ends (it also ends when its access token expires). */
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  // ---- personal data at rest in Temporal ----
  /**
   * Comma-separated AES-256 keys (32 bytes each, base64): the first encrypts every Temporal
   * payload, all of them decrypt (rotation). Required in production; `npm start` makes a
   * development key in .data/.
   */
  PAYLOAD_ENCRYPTION_KEYS: commaList(dataKey),
  // ---- personal data at rest in MongoDB (issue 15; README "Personal data at rest") ----
  /** The cipher suite that seals (MongoDB fields and Temporal payloads); every suite opens. */
  DATA_CIPHER: z.enum(SUITE_IDS).default('aes-256-gcm'),
  /**
   * Comma-separated keys (`<id>:<base64 of 32 bytes>`, or the base64 alone) sealing personal
   * fields in MongoDB: the first seals, all open (rotation). Required in production; elsewhere a
   * fixed development key (security/data-protection.ts).
   */
  DATA_ENCRYPTION_KEYS: commaList(dataKey),
  /** The blind index's own key (base64, at least 32 bytes): equality lookups on sealed fields. Required in production. */
  BLIND_INDEX_KEY: z
    .string()
    .refine((k) => Buffer.from(k, 'base64').length >= 32, 'must be at least 32 bytes, base64-encoded')
    .optional(),
  // ---- HTTP hardening ----
  API_BODY_LIMIT_KB: z.coerce.number().int().min(1).max(1024).default(64),
  /** Requests per minute per token and per client IP. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /**
   * The reverse proxies (gateway, load balancer) in front of the API whose X-Forwarded-For names
   * the client: a number of hops, or a comma-separated list of addresses / CIDR subnets / `loopback`,
   * `uniquelocal`. Unset: none, and the client is the socket's peer — behind a proxy every client
   * would then be the proxy, sharing one per-address rate limit. Never "trust everyone" (`true`,
   * `0.0.0.0/0`): a client could then name any address and slip past the limit. A hop count trusts
   * whoever is nearest, so it is safe only where the API cannot be reached but through the proxy.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .min(1)
    .refine(
      (v) => !v.split(',').some((x) => /^(true|\*|0\.0\.0\.0\/0|::\/0)$/i.test(x.trim())),
      'name the proxies (addresses, subnets or a number of hops), not everyone',
    )
    .optional(),
  // ---- case policy (deadlines are data) ----
  /**
   * working-days: officer and supplement deadlines count 工作日 on the State Council calendar
   * (policy/calendar/), due at OFFICE_CLOSE; elapsed: SLA_*_MS and SUPPLEMENT_RESPONSE_MS as plain
   * durations (tests and demos that need deadlines of seconds).
   */
  DEADLINE_CLOCK: z.enum(['working-days', 'elapsed']).default('working-days'),
  SLA_POLICE_WORKING_DAYS: workingDays.default(5),
  SLA_HRSS_WORKING_DAYS: workingDays.default(5),
  SLA_HOUSING_WORKING_DAYS: workingDays.default(5),
  SLA_EDUCATION_WORKING_DAYS: workingDays.default(5),
  SUPPLEMENT_RESPONSE_WORKING_DAYS: workingDays.default(15),
  /** A department's own supplement deadline (the issue: "configurable per department"); unset: SUPPLEMENT_RESPONSE_WORKING_DAYS. */
  SUPPLEMENT_POLICE_WORKING_DAYS: workingDays.optional(),
  SUPPLEMENT_HRSS_WORKING_DAYS: workingDays.optional(),
  SUPPLEMENT_HOUSING_WORKING_DAYS: workingDays.optional(),
  SUPPLEMENT_EDUCATION_WORKING_DAYS: workingDays.optional(),
  /** End of the office day (HH:MM, Asia/Shanghai): a working-day deadline falls due then. */
  OFFICE_CLOSE: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day, HH:MM')
    .default('17:00'),
  /** Start of the office day (HH:MM, Asia/Shanghai): reminders on the working-day clock go out from then. */
  OFFICE_OPEN: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day, HH:MM')
    .default('09:00'),
  SLA_POLICE_MS: durationMs.default(5 * 24 * 3600_000),
  SLA_HRSS_MS: durationMs.default(5 * 24 * 3600_000),
  SLA_HOUSING_MS: durationMs.default(5 * 24 * 3600_000),
  SLA_EDUCATION_MS: durationMs.default(5 * 24 * 3600_000),
  SLA_REMINDER_FRACTION: z.coerce.number().gt(0).lt(1).default(0.8),
  SUPPLEMENT_RESPONSE_MS: durationMs.default(15 * 24 * 3600_000),
  CHECK_RETRY_PAUSE_MS: durationMs.default(60_000),
  CHECK_FAILURES_BEFORE_ESCALATION: z.coerce.number().int().min(1).default(3),
  /**
   * Comma-separated departments whose clean automated result needs no officer. Never the police:
   * DOMAIN's department table says their officer decides, always (the lead for hukou, §8).
   */
  AUTO_APPROVE_DEPARTMENTS: commaList(
    z.enum(DEPARTMENTS).refine((d) => d !== 'police', 'police officers always decide: the police cannot be auto-approved'),
  ),
  /** How long the education department has to place a child on the waiting list (§21–23), with DEADLINE_CLOCK=elapsed. */
  SCHOOL_PLACEMENT_SLA_MS: durationMs.default(30 * 24 * 3600_000),
  /** The same in working days (工作日), due at OFFICE_CLOSE: the default clock's. */
  SCHOOL_PLACEMENT_WORKING_DAYS: workingDays.default(20),
  /** How often a waiting child's place is asked for again (a place may have freed). */
  WAITLIST_RECHECK_MS: durationMs.default(3600_000),
  /** Folder of the admission-round files (points rounds per year, issue 13); default policy/rounds. */
  ROUNDS_DIR: z.string().min(1).optional(),
  /**
   * Set: a round's public-notice period (公示) is this much elapsed time (tests, demos). Unset: the
   * rounds file's noticeWorkingDays on the working-day calendar (as whole days with DEADLINE_CLOCK=elapsed).
   */
  PUBLIC_NOTICE_MS: durationMs.optional(),
  /**
   * Set: a round closes this long after it starts (its first case), or at its closing date if that
   * comes first — for demos and tests that cannot wait for the date. Unset: at its closing date.
   */
  ROUND_CLOSE_AFTER_MS: durationMs.optional(),
  /** Folder of the capacity files (school places, collective households, points quotas); default policy/capacities. */
  CAPACITY_DIR: z.string().min(1).optional(),
  /**
   * Folder of the points policy versions (§2); default policy/points. Read by the API (the version
   * a submission is judged under) and the worker (scoring, letters): give both the same value.
   */
  POINTS_DIR: z.string().min(1).optional(),
  /** Folder of the authorities versions (who issues a decision letter, appeal rights); default policy/authorities. API and worker. */
  AUTHORITIES_DIR: z.string().min(1).optional(),
  /** Folder of the working-day calendar files (<year>.json); default policy/calendar. API and worker. */
  CALENDAR_DIR: z.string().min(1).optional(),
  // ---- retention (issue 15 part 5; domain/retention.ts, README "Retention") ----
  /** A settled case's file (read model, notices, registration, audit details): kept this long after the case ended, then anonymised. */
  RETENTION_CASE_SETTLED_YEARS: z.coerce.number().int().min(1).max(100).default(30),
  /** A rejected, withdrawn or terminated case's file: kept this long after the case ended, then anonymised. */
  RETENTION_CASE_ENDED_YEARS: z.coerce.number().int().min(1).max(100).default(10),
  /** Access records (查询留痕): whole days older than this are deleted; at least 180 in production. */
  RETENTION_ACCESS_RECORD_DAYS: z.coerce.number().int().min(1).max(36_500).default(1095),
  /** The Temporal namespace's retention of closed workflows' histories (the cluster, the dev server, docker-compose). */
  TEMPORAL_HISTORY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** When the daily retention sweep runs (HH:MM, Asia/Shanghai). */
  RETENTION_SWEEP_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day, HH:MM')
    .default('02:30'),
  /** Cases the sweep reads and anonymises per activity. */
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
  // ---- the departments' registers (issue 14) ----
  /** How long a settled case waits for HR to complete the social-insurance transfer before supervisors are told (§25). */
  SOCIAL_INSURANCE_TRANSFER_DEADLINE_MS: durationMs.default(30 * 24 * 3600_000),
  /** How often a settled case asks HR for its transfer's status when no completion callback came. */
  SOCIAL_INSURANCE_TRANSFER_POLL_MS: durationMs.default(3600_000),
  /**
   * Shared secret (at least 32 characters) HR signs its completion callbacks with (HMAC-SHA256,
   * header X-Register-Signature). Unset: the callback route refuses every call; cases poll.
   */
  REGISTER_CALLBACK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The simulator: how long an HR transfer stays pending before it completes. */
  SIMULATOR_TRANSFER_DELAY_MS: durationMs.default(10_000),
  /** The simulator: where HR posts completed transfers; default http://API_HOST:API_PORT/api/v1/callbacks/social-insurance-transfers. */
  SIMULATOR_CALLBACK_URL: z.string().url().optional(),
  /** A workflow bundle prepared ahead (scripts do this once); unset, the worker bundles at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  // ---- notice delivery (issue 14) ----
  /** false: this worker starts no notice dispatchers (notices stay queued until one that does runs). */
  NOTICE_DELIVERY: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Any SMTP server; the default is the mail sink `npm start` runs (tools/mail-sink). */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .default('smtp://127.0.0.1:2525'),
  /** The From of every notice email. */
  MAIL_FROM: z.string().min(3).default('西安落户服务 <noreply@hukou.xa.example.gov.cn>'),
  /**
   * The SMS gateway (Tencent SendSms-shaped); default the simulator's (DEPARTMENT_SYSTEMS_URL).
   * Required by a production worker.
   */
  SMS_GATEWAY_URL: z.string().url().optional(),
  /**
   * The Bearer key for the SMS gateway. Unset: DEPARTMENT_SYSTEMS_API_KEY while the gateway is at
   * DEPARTMENT_SYSTEMS_URL's origin (the simulator's), none for another gateway in production.
   */
  SMS_GATEWAY_API_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Our application id at the SMS provider (SmsSdkAppId). */
  SMS_APP_ID: z.string().min(1).default('1400000000'),
  /**
   * Shared secret of the SMS delivery receipts (HMAC-SHA256 of the body in X-Signature), at least
   * 16 characters. Unset: in production every receipt is refused; elsewhere a development value
   * shared with the simulator.
   */
  SMS_CALLBACK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Where the simulator's SMS gateway posts delivery receipts; default http://API_HOST:API_PORT/api/v1/callbacks/sms-receipts. */
  SMS_CALLBACK_URL: z.string().url().optional(),
  /** Sends per second, per channel, by the one dispatcher of that channel. */
  NOTICE_RATE_PER_SECOND_SMS: z.coerce.number().gt(0).max(1000).default(20),
  NOTICE_RATE_PER_SECOND_EMAIL: z.coerce.number().gt(0).max(1000).default(20),
  /** Attempts before a notice is failed (and becomes an incident). */
  NOTICE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  /** A notice not delivered this long after it was queued is failed. */
  NOTICE_MAX_AGE_MS: durationMs.default(3 * 24 * 3600_000),
  /** The pause after a failed attempt, doubled after each further one, up to NOTICE_RETRY_MAX_MS. */
  NOTICE_RETRY_BASE_MS: durationMs.default(10_000),
  NOTICE_RETRY_MAX_MS: durationMs.default(3600_000),
  /** How often an idle dispatcher looks for due notices. */
  NOTICE_POLL_MS: durationMs.default(1000),
  /** One send (SMTP or SMS gateway) may take this long; a claim's lease is three times it. */
  NOTICE_SEND_TIMEOUT_MS: durationMs.default(10_000),
  /** The department contact table (staff notices' addresses); default policy/department-contacts.json. */
  DEPARTMENT_CONTACTS_FILE: z.string().min(1).optional(),
  /** The SMS template table (sign name, template id per event); default policy/sms-templates.json. */
  SMS_TEMPLATES_FILE: z.string().min(1).optional(),
  /** The mail sink (tools/mail-sink; development and tests): its SMTP port and its mailbox page's port. */
  MAIL_SINK_HOST: z.string().min(1).default('127.0.0.1'),
  MAIL_SINK_SMTP_PORT: port.default(2525),
  MAIL_SINK_HTTP_PORT: port.default(3300),
});

export type Config = z.infer<typeof CONFIG_SCHEMA>;

/** One thing a rule found wrong: the variable (path) and what to do about it. */
type AddIssue = (issue: { path: string[]; message: string }) => void;

/**
 * Outside development and test: Temporal payloads and personal data sealed. Only the processes
 * that hold personal data need these keys: the department systems simulator and the mail sink
 * (stand-ins, loadStandInConfig) do not, and must not be given them (config/process-secrets.ts).
 */
function sealingKeyRules(c: Config, addIssue: AddIssue): void {
  if (c.NODE_ENV !== 'production') return;
  if (c.DATA_ENCRYPTION_KEYS.length === 0) {
    addIssue({
      path: ['DATA_ENCRYPTION_KEYS'],
      message: 'set DATA_ENCRYPTION_KEYS in production (ID numbers, names, phones and emails are sealed with it in MongoDB)',
    });
  }
  if (!c.BLIND_INDEX_KEY) {
    addIssue({ path: ['BLIND_INDEX_KEY'], message: 'set BLIND_INDEX_KEY in production (the keyed index of sealed ID numbers)' });
  }
  if (c.PAYLOAD_ENCRYPTION_KEYS.length === 0) {
    addIssue({
      path: ['PAYLOAD_ENCRYPTION_KEYS'],
      message: 'set PAYLOAD_ENCRYPTION_KEYS in production (personal data must not rest unencrypted in Temporal)',
    });
  }
}

/** Every process's rules (the API's and the worker's own: loadApiConfig, loadWorkerConfig). */
function sharedRules(c: Config, addIssue: AddIssue): void {
  if (c.NODE_ENV === 'production') for (const issue of productionSecretIssues(c)) addIssue(issue);
  for (const issue of retentionPeriodIssues(retentionPeriods(c), c.NODE_ENV === 'production'))
    addIssue({ path: [issue.path], message: issue.message });
  for (const issue of tlsFileIssues(c)) addIssue(issue);
  // HH:MM compare as text: an office day that closes before it opens has no hours to remind in.
  if (c.OFFICE_OPEN >= c.OFFICE_CLOSE)
    addIssue({ path: ['OFFICE_OPEN'], message: `must be before OFFICE_CLOSE (${c.OFFICE_CLOSE})` });
  if (c.WORKER_SHUTDOWN_FORCE_MS <= c.WORKER_SHUTDOWN_GRACE_MS) {
    addIssue({
      path: ['WORKER_SHUTDOWN_FORCE_MS'],
      message: 'must be longer than WORKER_SHUTDOWN_GRACE_MS (the worker gives up only after the grace period)',
    });
  }
}

const CONFIG_CHECKED = CONFIG_SCHEMA.superRefine((c, ctx) => {
  const addIssue: AddIssue = (issue) => ctx.addIssue({ code: 'custom', ...issue });
  sealingKeyRules(c, addIssue);
  sharedRules(c, addIssue);
});
const STAND_IN_CHECKED = CONFIG_SCHEMA.superRefine((c, ctx) =>
  sharedRules(c, (issue) => ctx.addIssue({ code: 'custom', ...issue })),
);
/** The retention periods in force (domain/retention.ts). */
export const retentionPeriods = (
  c: Pick<
    Config,
    | 'RETENTION_CASE_SETTLED_YEARS'
    | 'RETENTION_CASE_ENDED_YEARS'
    | 'RETENTION_ACCESS_RECORD_DAYS'
    | 'TEMPORAL_HISTORY_RETENTION_DAYS'
  >,
): RetentionPeriods => ({
  caseFileSettledYears: c.RETENTION_CASE_SETTLED_YEARS,
  caseFileEndedYears: c.RETENTION_CASE_ENDED_YEARS,
  accessRecordDays: c.RETENTION_ACCESS_RECORD_DAYS,
  temporalHistoryDays: c.TEMPORAL_HISTORY_RETENTION_DAYS,
});
export const CONFIG_KEYS = Object.keys(CONFIG_SCHEMA.shape) as (keyof Config)[];

/** Never echoed in a configuration error: it would end up in a log. */
const SECRET_KEYS = new Set<string>(SECRET_VARIABLES);

export { DEVELOPMENT_SIMULATOR_API_KEY, DEVELOPMENT_SMS_CALLBACK_SECRET };

/** One thing wrong with the configuration: the variable it is about, and the line that says what. */
export interface ConfigIssue {
  readonly key: string;
  readonly line: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`Invalid configuration:\n${issues.map((i) => i.line).join('\n')}`);
  }
}

/** The configuration of a process that holds personal data (the API, the worker, the scripts). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseConfig(CONFIG_CHECKED, env);
}

/**
 * The configuration of a stand-in for another party's system (the department systems simulator,
 * the mail sink, the embedded sign-in provider): every process's rules but the sealing keys,
 * which they have no use for (config/process-secrets.ts).
 */
export function loadStandInConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseConfig(STAND_IN_CHECKED, env);
}

function parseConfig(schema: typeof CONFIG_CHECKED, env: NodeJS.ProcessEnv): Config {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => {
    const key = String(i.path[0] ?? '?');
    // A secret's value never goes to a log; an unset variable is said to be unset, not withheld.
    const shown = env[key] === undefined ? '(unset)' : SECRET_KEYS.has(key) ? '(value withheld)' : JSON.stringify(env[key]);
    return { key, line: `  ${key}=${shown}: ${i.message}` };
  });
  throw new ConfigError(issues);
}

/**
 * A process's configuration: every process's rules and the process's own (`own`, given the parsed
 * configuration or undefined when it did not parse), reported together, so that an operator fixes
 * a production start in one round, not two. A variable the shared rules already named is said once.
 */
function loadProcessConfig(env: NodeJS.ProcessEnv, own: (config: Config | undefined) => ConfigIssue[]): Config {
  let config: Config | undefined;
  let issues: ConfigIssue[] = [];
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    issues = [...err.issues];
  }
  const named = new Set(issues.map((i) => i.key));
  issues.push(...own(config).filter((i) => !named.has(i.key)));
  if (issues.length > 0) throw new ConfigError(issues);
  return config!;
}

/** The API process's configuration: every process's rules and the API's own (apiConfigIssues). */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadProcessConfig(env, (config) => {
    // The API's own rules ask only whether a variable is set: the raw environment answers that when
    // the rest of it does not parse.
    const set = (key: keyof Config) => (env[key] ? env[key] : undefined);
    const view = config ?? {
      NODE_ENV: env.NODE_ENV === 'production' ? 'production' : 'development',
      METRICS_PORT: set('METRICS_PORT') === undefined ? undefined : 0,
      AUTH_JWT_SECRET: set('AUTH_JWT_SECRET'),
      AUTH_JWKS_URL: set('AUTH_JWKS_URL'),
      SESSION_SECRET: set('SESSION_SECRET'),
      WEB_BASE_URL: set('WEB_BASE_URL'),
      WEB_OIDC_ISSUER: set('WEB_OIDC_ISSUER'),
      AUTH_JWKS_ISSUER: set('AUTH_JWKS_ISSUER'),
    };
    return apiIssues(view);
  });
}

/**
 * The worker process's configuration: every process's rules and the worker's own. In production
 * it sends the letters and texts: without SMTP_URL they would go to the development mail sink's
 * address (127.0.0.1:2525), to whatever listens there; without SMS_GATEWAY_URL, to the
 * departments' systems. Also with NOTICE_DELIVERY=false: that starts no dispatcher here, but any
 * worker on the task queue may run a dispatcher's sending activity.
 */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadProcessConfig(env, () => {
    if (env.NODE_ENV !== 'production') return [];
    const unset = (key: keyof Config, says: string): ConfigIssue[] =>
      env[key] ? [] : [{ key, line: `  ${key}=(unset): ${says}` }];
    return [
      ...unset(
        'SMTP_URL',
        'set it in production to your mail server (smtp:// or smtps://); the default is the development mail sink',
      ),
      // Its default is the simulator's gateway at DEPARTMENT_SYSTEMS_URL: in production that is
      // the departments' systems, which send no SMS, so every applicant's text would fail there.
      ...unset(
        'SMS_GATEWAY_URL',
        'set it in production to your SMS provider’s gateway; the default is the simulator’s, at DEPARTMENT_SYSTEMS_URL',
      ),
    ];
  });
}

/** The OpenID Connect provider the pages sign in with, if any: without one, /auth/sign-in answers 503. */
export const webSignInIssuer = (c: Pick<Config, 'WEB_OIDC_ISSUER' | 'AUTH_JWKS_ISSUER'>): string | undefined =>
  c.WEB_OIDC_ISSUER ?? c.AUTH_JWKS_ISSUER;

/** The pages' public address, without a trailing slash: WEB_BASE_URL, else where the API listens. */
export const webBaseUrl = (c: Pick<Config, 'WEB_BASE_URL' | 'API_HOST' | 'API_PORT'>): string =>
  (c.WEB_BASE_URL ?? `http://${c.API_HOST}:${c.API_PORT}`).replace(/\/$/, '');

/**
 * Where the embedded provider lets the web pages' client come back to after signing in and out:
 * as set, else the pages' own address, so that moving API_PORT or WEB_BASE_URL moves them too.
 */
export const identityWebClientUris = (
  c: Pick<
    Config,
    'IDENTITY_WEB_REDIRECT_URIS' | 'IDENTITY_WEB_POST_LOGOUT_REDIRECT_URIS' | 'WEB_BASE_URL' | 'API_HOST' | 'API_PORT'
  >,
): { redirectUris: string[]; postLogoutRedirectUris: string[] } => ({
  redirectUris: c.IDENTITY_WEB_REDIRECT_URIS.length ? c.IDENTITY_WEB_REDIRECT_URIS : [`${webBaseUrl(c)}/auth/callback`],
  postLogoutRedirectUris: c.IDENTITY_WEB_POST_LOGOUT_REDIRECT_URIS.length
    ? c.IDENTITY_WEB_POST_LOGOUT_REDIRECT_URIS
    : [`${webBaseUrl(c)}/`],
});

/** The receipts' secret; undefined (every receipt refused) in production without SMS_CALLBACK_SECRET. */
export const smsCallbackSecret = (c: Pick<Config, 'SMS_CALLBACK_SECRET' | 'NODE_ENV'>): string | undefined =>
  c.SMS_CALLBACK_SECRET ?? (c.NODE_ENV === 'production' ? undefined : DEVELOPMENT_SMS_CALLBACK_SECRET);

/** The key the engine sends to the department systems; undefined (none sent) in production without one. */
export const departmentSystemsApiKey = (c: Pick<Config, 'DEPARTMENT_SYSTEMS_API_KEY' | 'NODE_ENV'>): string | undefined =>
  c.DEPARTMENT_SYSTEMS_API_KEY ?? (c.NODE_ENV === 'production' ? undefined : DEVELOPMENT_SIMULATOR_API_KEY);
/**
 * The key the engine sends to the SMS gateway. The department systems' key goes only to a
 * gateway at DEPARTMENT_SYSTEMS_URL's origin (the simulator's): never to another provider's address.
 */
export const smsGatewayApiKey = (
  c: Pick<
    Config,
    'SMS_GATEWAY_API_KEY' | 'SMS_GATEWAY_URL' | 'DEPARTMENT_SYSTEMS_URL' | 'DEPARTMENT_SYSTEMS_API_KEY' | 'NODE_ENV'
  >,
): string | undefined =>
  c.SMS_GATEWAY_API_KEY ??
  (c.SMS_GATEWAY_URL === undefined || sameOrigin(c.SMS_GATEWAY_URL, c.DEPARTMENT_SYSTEMS_URL)
    ? departmentSystemsApiKey(c)
    : c.NODE_ENV === 'production'
      ? undefined
      : DEVELOPMENT_SIMULATOR_API_KEY);

const sameOrigin = (a: string, b: string): boolean => {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
};
/** The keys the simulator accepts; empty (it refuses to start) in production without SIMULATOR_API_KEYS. */
export const simulatorApiKeys = (c: Pick<Config, 'SIMULATOR_API_KEYS' | 'NODE_ENV'>): string[] =>
  c.SIMULATOR_API_KEYS.length > 0 ? c.SIMULATOR_API_KEYS : c.NODE_ENV === 'production' ? [] : [DEVELOPMENT_SIMULATOR_API_KEY];

/**
 * What only the API process requires of the configuration: checked by api/main.ts, not by every
 * process (the worker and the tools have no public port to keep metrics off).
 */
export const apiConfigIssues = (c: ApiConfigView): string[] => apiIssues(c).map((i) => i.line);

type ApiConfigView = Pick<
  Config,
  | 'NODE_ENV'
  | 'METRICS_PORT'
  | 'AUTH_JWT_SECRET'
  | 'AUTH_JWKS_URL'
  | 'SESSION_SECRET'
  | 'WEB_BASE_URL'
  | 'WEB_OIDC_ISSUER'
  | 'AUTH_JWKS_ISSUER'
>;

/** Plain http to anything but this machine: a browser (localhost) or the process itself may use it. */
function plainHttpElsewhere(url: string | undefined): boolean {
  if (!url?.startsWith('http:')) return false;
  try {
    return !['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false; // not a URL at all: the schema says so
  }
}

function apiIssues(c: ApiConfigView): ConfigIssue[] {
  if (c.NODE_ENV !== 'production') return [];
  const issue = (key: keyof ApiConfigView, says: string): ConfigIssue => ({ key, line: `  ${key}: ${says}` });
  // Only the API verifies tokens and signs web sessions: a worker host need not hold these secrets.
  return [
    ...(!c.AUTH_JWT_SECRET && !c.AUTH_JWKS_URL
      ? [issue('AUTH_JWT_SECRET', 'set AUTH_JWT_SECRET or AUTH_JWKS_URL in production')]
      : []),
    // Beside a provider, a shared secret lets whoever holds it mint any role's token without it.
    ...(c.AUTH_JWT_SECRET && c.AUTH_JWKS_URL
      ? [
          issue(
            'AUTH_JWT_SECRET',
            'unset it when AUTH_JWKS_URL is set in production (tokens signed with a shared secret would be taken beside your provider’s, for any role)',
          ),
        ]
      : []),
    ...(plainHttpElsewhere(c.AUTH_JWKS_URL)
      ? [issue('AUTH_JWKS_URL', 'use https in production (the keys that verify every token would travel unprotected)')]
      : []),
    // The sign-in client speaks only https to a provider in production (web/sign-in.ts): refused
    // here, not at the first sign-in with a 500.
    ...(webSignInIssuer(c)?.startsWith('http:')
      ? [
          issue(
            c.WEB_OIDC_ISSUER ? 'WEB_OIDC_ISSUER' : 'AUTH_JWKS_ISSUER',
            'use https in production (sign-in refuses a plain-http provider)',
          ),
        ]
      : []),
    ...(plainHttpElsewhere(c.WEB_BASE_URL)
      ? [
          issue(
            'WEB_BASE_URL',
            'use https in production (the session cookie is Secure: a browser never sends it back over plain http, so nobody could stay signed in)',
          ),
        ]
      : []),
    ...(!c.SESSION_SECRET
      ? [issue('SESSION_SECRET', 'set SESSION_SECRET in production (it signs the web pages’ session cookie)')]
      : []),
    ...(c.METRICS_PORT === undefined
      ? [issue('METRICS_PORT', 'set it in production (metrics are served on an internal listener, never on the public port)')]
      : []),
    ...(!c.WEB_BASE_URL
      ? [
          issue(
            'WEB_BASE_URL',
            'set it in production to the address people reach the service at (the sign-in callback and every problem type URI are under it)',
          ),
        ]
      : []),
  ];
}
