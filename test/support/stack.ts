/**
 * One in-process slice of the real system for an integration test file: a MongoDB database of
 * its own on the run's FerretDB, the department systems simulator over real HTTP (seeded, with
 * its own fault switches), a worker on a task queue of its own on the run's Temporal dev
 * server, and the Express app — all real, nothing mocked.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Express } from 'express';
import type { Connection as MongoConnection } from 'mongoose';
import { createDepartmentSystemsClient } from '../../activities/adapters/department-systems.client';
import { createRegistersClient } from '../../activities/adapters/registers.client';
import { createNoticeRenderer } from '../../activities/notifications/renderer';
import { createApp } from '../../api/app';
import { mintToken, type TokenClaims } from '../../api/auth/identity';
import { cityWideUnlessScoped } from '../../scripts/lib/dev-token-claims';
import { loadConfig, retentionPeriods, type Config } from '../../config/config';
import { createLogger, type Logger } from '../../config/logger';
import { connectMongo } from '../../models/connection';
import { createSimulatorApp } from '../../tools/simulator/app';
import type { RegisterSettings } from '../../tools/simulator/registers';
import type { DemoPerson } from '../../tools/simulator/demo-people';
import { seedDepartmentSystems } from '../../tools/simulator/seed';
import { policyDirs } from '../../worker/activity-deps';
import { createWorker } from '../../worker/create-worker';
import { createWorkerMetrics, type WorkerMetrics } from '../../worker/metrics';
import { installTemporalRuntime } from '../../worker/runtime';
import { roundSettings } from '../../temporal/admission-rounds';
import { testRounds, type TestRounds } from './round-files';
import { startDeliveryHarness, type DeliveryHarness } from './delivery';
import { DEVELOPMENT_SIMULATOR_API_KEY, DEVELOPMENT_SMS_CALLBACK_SECRET } from '../../config/config';
import { boundedStep } from './bounded-step';
import { ensureNoticeDispatchers, stopNoticeDispatchers } from '../../temporal/notice-dispatchers';
import { TEST_DATA_CONVERTER, TEST_PAYLOAD_KEYS, mongoUriFor, temporalAddress, temporalNamespace } from './services';
import { answerClientErrorsAsProblems } from '../../api/client-errors';
import { problemTypeUri } from '../../api/problem';

export interface Faults {
  department?: string;
  /** lookup (default), write, undo or '*' (issue 14). */
  operation?: string;
  failNext?: number;
  failureRate?: number;
  delayMs?: number;
  /** What a failing register write or undo answers: 503 (default) or a refusal, 400/404/409/422. */
  status?: 503 | 400 | 404 | 409 | 422;
}

export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-characters-long';
/** HR's callback secret in tests (issue 14). */
export const TEST_CALLBACK_SECRET = 'test-callback-secret-at-least-32-characters';
export { TEST_DATA_CONVERTER, TEST_PAYLOAD_KEYS } from './services';

export interface TestStack {
  app: Express;
  config: Config;
  /** A Bearer token for this stack's API. */
  /** A Bearer token for these claims; an officer without a scope is minted city-wide (scripts/lib/dev-token-claims.ts). */
  token(caller: TokenClaims): Promise<string>;
  client: Client;
  mongo: MongoConnection;
  worker: Worker;
  taskQueue: string;
  /** The worker's metrics (its failure interceptor installed), when asked for with `workerMetrics`. */
  workerMetrics?: WorkerMetrics;
  simulatorUrl: string;
  /** The simulator's own database (its people and the registers our cases wrote, issue 14). */
  simMongo: MongoConnection;
  /** This stack's admission rounds (ids unique to it). */
  rounds: TestRounds;
  /** Sets (or with no argument clears) the simulator's injected faults. */
  faults(f?: Faults): Promise<void>;
  /** Stops the worker (as a crash would, from the cases' point of view) and starts a new one. */
  restartWorker(): Promise<void>;
  /** Stops the worker and leaves it stopped: cases stand still until `startWorker`. */
  stopWorker(): Promise<void>;
  /** Starts a worker again after `stopWorker`. */
  startWorker(): Promise<void>;
  close(): Promise<void>;
  /** With `delivery`: the mail sink. */
  delivery?: DeliveryHarness;
  /** The API listening on a real port (the SMS receipts' and HR's callbacks go there). */
  apiUrl: string;
}

export interface StackOptions {
  /**
   * A capacity folder of the test's own (test/support/capacities.ts); default the shipped one.
   * Given as CAPACITY_DIR too, so the API reads the same (its school lists, /readyz), as deployed.
   */
  capacityDir?: string;
  /**
   * A working-day calendar folder of the test's own (<year>.json files); default policy/calendar.
   * Given as CALENDAR_DIR, so the API and the worker count on the same calendar, as deployed.
   */
  calendarDir?: string;
  /** Config overrides for the API (e.g. short SLAs, a small rate limit). */
  env?: Record<string, string>;
  /** Adapter timeout per lookup (short in tests so slowness is seen quickly). */
  lookupTimeoutMs?: number;
  /** The API's logger (e.g. one writing to a stream the test reads); the default is silent. */
  logger?: Logger;
  /** Everyone the simulator knows (default: the demo personas of tools/simulator/people/demo.json). */
  people?: readonly DemoPerson[];
  /** Give the worker its metrics (worker/metrics.ts), as WORKER_METRICS_ADDRESS does in worker/main.ts. */
  workerMetrics?: boolean;
  /** Admission rounds of the test's own (test/support/rounds.ts); default one round over the year, room for all. */
  rounds?: TestRounds;
  /**
   * HR's social-insurance transfers (issue 14): how long they stay pending (default 300 ms) and
   * whether HR calls back (default true; false: the case must poll).
   */
  transfer?: { delayMs?: number; callback?: boolean };
  /** Deliver notices (issue 14): a mail sink, the SMS receipts' callback on a listening API, the dispatchers running. */
  delivery?: boolean;
}

export async function startStack(name: string, opts: StackOptions = {}): Promise<TestStack> {
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent', name: `test-${name}` });
  installTemporalRuntime(logger);
  const suffix = randomUUID().slice(0, 8);
  const taskQueue = `test-${name}-${suffix}`;
  const mongo = await connectMongo({
    uri: mongoUriFor(`test_${name.replace(/\W/g, '_')}_${suffix}`),
    serverSelectionTimeoutMS: 5000,
  });
  const simMongo = await connectMongo({
    uri: mongoUriFor(`test_sim_${name.replace(/\W/g, '_')}_${suffix}`),
    serverSelectionTimeoutMS: 5000,
  });
  await seedDepartmentSystems(simMongo, opts.people);
  // The API listens (its app bound below), so HR's completion callback and the SMS gateway's
  // receipts reach it over real HTTP.
  const late: { app?: Express } = {};
  const apiServer: Server = createServer((req, res) => late.app?.(req, res));
  answerClientErrorsAsProblems(apiServer, (code) => problemTypeUri(config)(code)); // as api/main.ts does
  await new Promise<void>((resolve) => apiServer.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(apiServer.address() as AddressInfo).port}`;
  const registerSettings: RegisterSettings = {
    transferDelayMs: opts.transfer?.delayMs ?? 300,
    ...(opts.transfer?.callback !== false
      ? { callback: { url: `${apiUrl}/api/v1/callbacks/social-insurance-transfers`, secret: TEST_CALLBACK_SECRET } }
      : {}),
  };
  const sms = opts.delivery
    ? {
        callbackUrl: `${apiUrl}/api/v1/callbacks/sms-receipts`,
        callbackSecret: DEVELOPMENT_SMS_CALLBACK_SECRET,
        receiptDelayMs: 200,
      }
    : undefined;
  const simServer: Server = createServer(
    createSimulatorApp({
      conn: simMongo,
      registers: registerSettings,
      ...(sms ? { sms } : {}),
      apiKeys: [DEVELOPMENT_SIMULATOR_API_KEY],
      faultInjection: true,
    }),
  );
  await new Promise<void>((resolve) => simServer.listen(0, '127.0.0.1', resolve));
  const simulatorUrl = `http://127.0.0.1:${(simServer.address() as AddressInfo).port}`;

  const connection = await Connection.connect({ address: temporalAddress() });
  const client = new Client({ connection, namespace: temporalNamespace(), dataConverter: TEST_DATA_CONVERTER });
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
  const rounds = opts.rounds ?? testRounds(suffix);
  const config = loadConfig({
    NODE_ENV: 'test',
    TEMPORAL_TASK_QUEUE: taskQueue,
    TEMPORAL_NAMESPACE: temporalNamespace(),
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS.join(','),
    MONGODB_SERVER_SELECTION_TIMEOUT_MS: '5000',
    CHECK_RETRY_PAUSE_MS: '500',
    REGISTER_CALLBACK_SECRET: TEST_CALLBACK_SECRET,
    SOCIAL_INSURANCE_TRANSFER_POLL_MS: '1000',
    ROUNDS_DIR: rounds.dir,
    PUBLIC_NOTICE_MS: '1500',
    // The address the API answers on, as a deployment's: every problem's `type` is a page there.
    WEB_BASE_URL: apiUrl,
    // The default rounds rank their cases a moment after the first joins: a test about something
    // else sees a points case settle without closing its round. Tests of rounds bring their own.
    ...(opts.rounds ? {} : { ROUND_CLOSE_AFTER_MS: '1000' }),
    ...(opts.calendarDir ? { CALENDAR_DIR: opts.calendarDir } : {}),
    ...(opts.capacityDir ? { CAPACITY_DIR: opts.capacityDir } : {}),
    ...opts.env,
  });
  const delivery = opts.delivery
    ? await startDeliveryHarness({ database: `test_mail_${name.replace(/\W/g, '_')}_${suffix}`, simulatorUrl, config })
    : undefined;
  const deps = {
    ...(delivery ? { delivery: delivery.deps, contacts: delivery.deps.contacts } : {}),
    mongo,
    departmentSystems: createDepartmentSystemsClient({
      baseUrl: simulatorUrl,
      timeoutMs: opts.lookupTimeoutMs ?? 2000,
      apiKey: DEVELOPMENT_SIMULATOR_API_KEY,
    }),
    registers: createRegistersClient({
      baseUrl: simulatorUrl,
      timeoutMs: opts.lookupTimeoutMs ?? 2000,
      apiKey: DEVELOPMENT_SIMULATOR_API_KEY,
    }),
    renderer: createNoticeRenderer({
      ...(config.AUTHORITIES_DIR ? { authoritiesDir: config.AUTHORITIES_DIR } : {}),
      ...(config.POINTS_DIR ? { pointsDir: config.POINTS_DIR } : {}),
    }),
    ...(opts.capacityDir ? { capacityDir: opts.capacityDir } : {}),
    // POINTS_DIR, AUTHORITIES_DIR and CALENDAR_DIR (from calendarDir or env), as worker/main.ts gives them.
    ...policyDirs(config),
    temporal: client,
    rounds: roundSettings(config),
    retention: { periods: retentionPeriods(config), batchSize: config.RETENTION_BATCH_SIZE },
  };
  const workerMetrics = opts.workerMetrics ? createWorkerMetrics(mongo) : undefined;
  const newWorker = () =>
    createWorker({
      connection: nativeConnection,
      namespace: temporalNamespace(),
      taskQueue,
      deps,
      payloadKeys: TEST_PAYLOAD_KEYS,
      workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
      activityInterceptors: workerMetrics ? [workerMetrics.activityInterceptor] : [],
    });
  let worker = await newWorker();
  let workerRun: Promise<void> | undefined = worker.run();
  if (delivery) await ensureNoticeDispatchers({ client, taskQueue, runForMs: 10_000 });
  const stopWorker = async () => {
    if (!workerRun) return;
    worker.shutdown();
    const run = workerRun;
    await boundedStep(`test stack ${name}`, "the worker's run() after shutdown", () => run);
    workerRun = undefined;
  };
  const startWorker = async () => {
    if (workerRun) return;
    worker = await newWorker();
    stack.worker = worker;
    workerRun = worker.run();
  };

  const app = createApp({
    config,
    logger: opts.logger ?? logger,
    temporal: client,
    mongo,
  });
  late.app = app;
  const stack: TestStack = {
    app,
    config,
    token: (caller: TokenClaims) =>
      mintToken(cityWideUnlessScoped(caller), {
        secret: TEST_JWT_SECRET,
        issuer: config.AUTH_ISSUER,
        audience: config.AUTH_AUDIENCE,
      }),
    client,
    mongo,
    worker,
    taskQueue,
    rounds,
    ...(workerMetrics ? { workerMetrics } : {}),
    simulatorUrl,
    simMongo,
    apiUrl,
    ...(delivery ? { delivery } : {}),
    async faults(f?: Faults) {
      const res = await fetch(
        `${simulatorUrl}/__faults`,
        f ? { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(f) } : { method: 'DELETE' },
      );
      if (!res.ok) throw new Error(`simulator faults: ${res.status} ${await res.text()}`);
    },
    async restartWorker() {
      await stopWorker();
      await startWorker();
    },
    stopWorker,
    startWorker,
    async close() {
      const step = (what: string, work: () => Promise<unknown>, boundMs?: number) =>
        boundedStep(`test stack ${name}`, what, work, boundMs);
      // This stack's rounds wait for their closing date otherwise (a round ends nothing else).
      await step('terminate running rounds', async () => {
        const running: string[] = [];
        try {
          const query = `WorkflowType = 'admissionRound' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}'`;
          for await (const wf of client.workflow.list({ query })) running.push(wf.workflowId);
        } catch {
          // visibility unavailable: the rounds stay until their date, harmless to other tests
        }
        await Promise.allSettled(running.map((id) => client.workflow.getHandle(id).terminate('test stack closed')));
      });
      // The worker first: it cancels the dispatchers' long activities while their workflows still
      // exist.
      await step('stop the worker', stopWorker, 45_000);
      if (delivery) await step('terminate the notice dispatchers', () => stopNoticeDispatchers(client, taskQueue));
      if (delivery) await step('close the delivery harness', () => delivery.close(), 45_000);
      await step('close the simulator', () => new Promise((resolve) => simServer.close(resolve)));
      await step('close the API', () => {
        apiServer.closeAllConnections();
        return new Promise((resolve) => apiServer.close(resolve));
      });
      await step('drop the databases', () => Promise.allSettled([mongo.dropDatabase(), simMongo.dropDatabase()]));
      await step('close the connections', () =>
        Promise.allSettled([connection.close(), nativeConnection.close(), mongo.close(), simMongo.close()]),
      );
    },
  };
  return stack;
}

/** Polls until `fn` returns a value other than undefined (bounded; a test must end). */
export async function eventually<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
