/**
 * Docker cannot run on the development machines, so docker-compose.yml is checked here against
 * the app's own configuration: it cannot silently rot.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  apiConfigIssues,
  CONFIG_KEYS,
  loadApiConfig,
  loadStandInConfig,
  loadWorkerConfig,
  type Config,
} from '../../config/config';
import { PROCESS_SECRETS, secretsNotUsedBy } from '../../config/process-secrets';
import { SECRET_VARIABLES } from '../../config/secret-rules';
import {
  CLUSTER_CONFIG_DIR,
  CLUSTER_CONFIG_ENV,
  CLUSTER_SCHEMAS,
  schemaToolSteps,
  SQL_PLUGIN,
  TEMPORAL_SERVER_VERSION,
} from '../../scripts/lib/temporal-cluster';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { testKey } from '../support/test-keys';

const ROOT = join(__dirname, '..', '..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const APP_SERVICES = ['api', 'worker', 'simulator', 'mail-sink'] as const;
/** What a user exports before `docker compose up` for the variables the file requires (`${X:?…}`). */
const USER_ENV: Record<string, string> = {
  PAYLOAD_ENCRYPTION_KEYS: testKey(9),
  // Each its own value: production refuses a secret shared by two variables (config/secret-rules.ts).
  SESSION_SECRET: testKey(7),
  AUTH_JWT_SECRET: testKey(6),
  REGISTER_CALLBACK_SECRET: testKey(5),
  SMS_CALLBACK_SECRET: testKey(4),
  DEPARTMENT_SYSTEMS_API_KEY: testKey(3),
  DATA_ENCRYPTION_KEYS: `k1:${testKey(21)}`,
  BLIND_INDEX_KEY: testKey(22),
};
/** Compose interpolation: `${X:-default}` → default, `${X:?message}` → the user's value (required). */
const interpolate = (v: string): string =>
  v.replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)\}/g, (_m, name: string, fallback: string | undefined) => {
    if (fallback !== undefined) return fallback;
    const given = USER_ENV[name];
    if (given === undefined) throw new Error(`docker-compose.yml requires ${name}; add it to USER_ENV in this test`);
    return given;
  });
const envOf = (name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(services[name]?.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
/** A service's configuration as its own entry point loads it (api/main.ts, worker/main.ts, tools/…/main.ts). */
const configOf = (name: (typeof APP_SERVICES)[number]): Config =>
  name === 'api'
    ? loadApiConfig(envOf(name))
    : name === 'worker'
      ? loadWorkerConfig(envOf(name))
      : loadStandInConfig(envOf(name));

describe('docker-compose.yml matches the app configuration', () => {
  it('when the file is parsed, then it has MongoDB 7, PostgreSQL, Temporal + UI and the app services', () => {
    for (const s of ['mongo', 'postgresql', 'temporal-schema', 'temporal', 'temporal-ui', 'temporal-setup', ...APP_SERVICES]) {
      assert.ok(services[s], `service ${s} missing`);
    }
    assert.match(services.mongo!.image ?? '', /^mongo:7(\.|$)/);
    assert.ok((services.mongo!.command as string[]).includes('--replSet'), 'MongoDB runs as a replica set');
    for (const s of APP_SERVICES) assert.ok(services[s]!.build, `${s} is built from the Dockerfile`);
  });

  it('when an app service sets a variable, then the config module knows it and accepts the value', () => {
    for (const s of APP_SERVICES) {
      const env = envOf(s);
      for (const key of Object.keys(env))
        assert.ok((CONFIG_KEYS as string[]).includes(key), `${s}: ${key} is unknown to config/config.ts`);
      // With its own process's production rules (the worker's mail and SMS addresses, the API's sign-in).
      assert.doesNotThrow(() => configOf(s), `${s}: its environment must validate`);
    }
  });

  it('when a service starts, then it is given only the secrets its process reads', () => {
    // An operator's trial: every service, the simulator and the mail sink included, was given every
    // secret (the data keys, the token secret) through one shared environment block.
    for (const s of APP_SERVICES) {
      assert.deepEqual(secretsNotUsedBy(s, envOf(s)), [], `${s}: secrets it does not read`);
    }
    assert.deepEqual(PROCESS_SECRETS['mail-sink'], [], 'the mail sink reads none');
    assert.deepEqual(
      SECRET_VARIABLES.filter((name) => envOf('worker')[name]),
      ['PAYLOAD_ENCRYPTION_KEYS', 'DEPARTMENT_SYSTEMS_API_KEY', 'DATA_ENCRYPTION_KEYS', 'BLIND_INDEX_KEY'],
      'the worker: its sealing keys and the departments’ key (its SMS gateway is theirs here)',
    );
  });

  it('when the app points at MongoDB and Temporal, then the hosts are compose services on the ports they expose', () => {
    for (const s of APP_SERVICES) {
      const config = configOf(s);
      const mongo = new URL(config.MONGODB_URI);
      assert.equal(mongo.hostname, 'mongo');
      assert.ok((services.mongo!.ports ?? []).some((p) => p.endsWith(`:${mongo.port || 27017}`)));
      const [host, port] = config.TEMPORAL_ADDRESS.split(':');
      assert.equal(host, 'temporal');
      assert.ok((services.temporal!.ports ?? []).some((p) => p.endsWith(`:${port}`)));
      const sim = new URL(config.DEPARTMENT_SYSTEMS_URL);
      assert.equal(sim.hostname, 'simulator');
      assert.equal(Number(sim.port), configOf('simulator').SIMULATOR_PORT);
    }
  });

  it('when the API and simulator listen, then they bind all interfaces on the published port', () => {
    const api = configOf('api');
    assert.equal(api.API_HOST, '0.0.0.0');
    assert.ok(services.api!.ports!.includes(`${api.API_PORT}:${api.API_PORT}`));
    const sim = configOf('simulator');
    assert.equal(sim.SIMULATOR_HOST, '0.0.0.0');
    assert.ok(services.simulator!.ports!.includes(`127.0.0.1:${sim.SIMULATOR_PORT}:${sim.SIMULATOR_PORT}`));
  });

  it('when a service without sign-in of its own is published, then to this host only; the API alone to every interface', () => {
    // An operator's trial: MongoDB, Temporal (--allow-no-auth), its UI, the simulator and the mail
    // sink's mailbox were published on every interface of the Docker host.
    for (const [name, service] of Object.entries(services))
      for (const published of service.ports ?? [])
        if (name !== 'api') assert.match(published, /^127\.0\.0\.1:/, `${name}: ${published}`);
    assert.deepEqual(services.api!.ports, ['3000:3000']);
  });

  it('when the worker sends letters, then they give the address the API signs in at', () => {
    const api = configOf('api');
    const worker = configOf('worker');
    assert.equal(worker.WEB_BASE_URL, api.WEB_BASE_URL);
    assert.equal(new URL(api.WEB_BASE_URL!).port, String(api.API_PORT), 'the published port');
  });

  it('when the worker serves metrics, then only the compose network reaches them: exposed, never published', () => {
    const address = configOf('worker').WORKER_METRICS_ADDRESS;
    assert.ok(address, 'the worker serves its metrics to a Prometheus on the compose network');
    const port = address.slice(address.lastIndexOf(':') + 1);
    assert.ok((services.worker!.expose ?? []).includes(port), `worker: expose ${port}`);
    assert.equal(services.worker!.ports, undefined, 'worker: its metrics have no authentication, so no published ports');
  });

  it('when the API serves metrics, then on its internal METRICS_PORT, exposed to the compose network and never published', () => {
    const api = configOf('api');
    assert.deepEqual(apiConfigIssues(api), [], 'the API starts in production');
    assert.ok(api.METRICS_PORT, 'production requires METRICS_PORT');
    assert.ok((services.api!.expose ?? []).includes(String(api.METRICS_PORT)), `api: expose ${api.METRICS_PORT}`);
    assert.ok(
      !(services.api!.ports ?? []).some((p) => p.endsWith(`:${api.METRICS_PORT}`)),
      'api: METRICS_PORT is never published',
    );
  });

  it('when the simulator runs, then it accepts the key the engine presents', () => {
    const simulator = configOf('simulator');
    const worker = configOf('worker');
    assert.ok(worker.DEPARTMENT_SYSTEMS_API_KEY, 'the worker presents a key');
    assert.ok(simulator.SIMULATOR_API_KEYS.includes(worker.DEPARTMENT_SYSTEMS_API_KEY), 'the simulator accepts it');
  });

  it('when Temporal is set up, then exactly the workflow search attributes are registered', () => {
    const script = (services['temporal-setup']!.command as string[]).join(' ');
    const registered = [...script.matchAll(/(\w+)=(\w+)/g)].map((m) => `${m[1]}=${m[2]}`).sort();
    const expected = CASE_SEARCH_ATTRIBUTES.map((k) => {
      const t = {
        KEYWORD: 'Keyword',
        KEYWORD_LIST: 'KeywordList',
        BOOL: 'Bool',
        DATETIME: 'Datetime',
        INT: 'Int',
        DOUBLE: 'Double',
        TEXT: 'Text',
      }[k.type];
      return `${k.name}=${t}`;
    }).sort();
    assert.deepEqual(registered, expected);
  });

  it('when Temporal runs, then it is the server version npm run start:cluster builds, with its tools', () => {
    assert.equal(services.temporal!.image, `temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    for (const s of ['temporal-schema', 'temporal-setup']) {
      assert.equal(services[s]!.image, `temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`, s);
    }
  });

  it('when the schema is set up, then it takes the steps of scripts/lib/temporal-cluster.ts, in order, on the databases the server uses', () => {
    const server = envOf('temporal');
    const script = (services['temporal-schema']!.command as string[]).join(' ');
    const ran = script
      .split(';')
      .map((c) => c.trim().split(/\s+/))
      .filter((c) => c[0] === 'temporal-sql-tool')
      .map((c) => c.slice(1).join(' '));
    const expected = CLUSTER_SCHEMAS.flatMap(({ store, schemaName }) =>
      schemaToolSteps(server[store === 'default' ? 'TEMPORAL_DB' : 'TEMPORAL_VISIBILITY_DB']!, schemaName).map((step) =>
        step.join(' '),
      ),
    );
    assert.deepEqual(ran, expected);
    // The tool and the server read the same SQL_* variables: the same PostgreSQL, user and plugin.
    const tool = envOf('temporal-schema');
    for (const key of [
      'SQL_PLUGIN',
      'SQL_HOST',
      'SQL_PORT',
      'SQL_USER',
      'SQL_PASSWORD',
      'TEMPORAL_DB',
      'TEMPORAL_VISIBILITY_DB',
    ]) {
      assert.ok(tool[key], `temporal-schema sets ${key}`);
      assert.equal(server[key], tool[key], `temporal and temporal-schema agree on ${key}`);
    }
    assert.equal(tool.SQL_PLUGIN, SQL_PLUGIN);
    assert.equal(tool.SQL_HOST, 'postgresql');
  });

  it('when the server starts, then it runs with our config file (temporal/cluster), as npm run start:cluster does', () => {
    const mount = (services.temporal!.volumes ?? []).find((v) => v.startsWith(`./${CLUSTER_CONFIG_DIR}:`));
    assert.ok(mount, `the temporal service mounts ./${CLUSTER_CONFIG_DIR}`);
    const target = mount.split(':')[1]!;
    const cmd = (services.temporal!.command as string[]).join(' ');
    const root = /--root (\S+)/.exec(cmd)?.[1];
    const dir = /--config (\S+)/.exec(cmd)?.[1];
    assert.ok(root && dir, cmd);
    assert.equal(join(root, dir), target, 'the server reads its config from the mounted folder');
    assert.match(cmd, new RegExp(`--env ${CLUSTER_CONFIG_ENV}\\b`));
    assert.equal(envOf('temporal').TEMPORAL_DYNAMIC_CONFIG_FILE, join(target, 'dynamicconfig.yaml'));
    assert.doesNotThrow(() => readFileSync(join(ROOT, CLUSTER_CONFIG_DIR, `${CLUSTER_CONFIG_ENV}.yaml`)));
    assert.doesNotThrow(() => readFileSync(join(ROOT, CLUSTER_CONFIG_DIR, 'dynamicconfig.yaml')));
  });

  it('when the entry points are compared, then each app service runs a file that exists', () => {
    for (const s of APP_SERVICES) {
      const cmd = services[s]!.command as string[];
      const entry = cmd[cmd.length - 1]!;
      assert.doesNotThrow(() => readFileSync(join(ROOT, entry)), `${s}: ${entry} must exist`);
    }
  });

  it('when the app services run in production, then the payload key must come from the user, never from the file', () => {
    for (const s of ['api', 'worker'] as const) {
      const raw = String(services[s]!.environment?.PAYLOAD_ENCRYPTION_KEYS ?? '');
      assert.match(
        raw,
        /^\$\{PAYLOAD_ENCRYPTION_KEYS:\?.+\}$/,
        `${s}: PAYLOAD_ENCRYPTION_KEYS must be required (\${…:?…}), not defaulted`,
      );
    }
  });
});
