/**
 * The worker's metrics endpoint: GET /metrics at WORKER_METRICS_ADDRESS answers our registry
 * (worker/metrics.ts) followed by the Temporal SDK's runtime metrics, which the SDK's own
 * Prometheus exporter serves on a loopback port of its own (chosen free at start, never
 * configured, never meant to be scraped directly). One scrape target per worker.
 *
 * It has no authentication: it is not public by where it listens (loopback by default, a
 * private network in docker-compose); README "Metrics" says what must not be exposed.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { MongoHealth } from '../models/mongo-watchdog';
import type { Logger } from '../config/logger';

/** How long a scrape waits for the SDK's exporter before answering without its metrics. */
const SDK_SCRAPE_TIMEOUT_MS = 2000;

export interface WorkerMetricsServer {
  /** The address it listens on, `host:port` (the real port when 0 was asked for). */
  address: string;
  close(): Promise<void>;
}

/** A free loopback `host:port` for the SDK's exporter (the Runtime needs one before it starts). */
export async function freeLoopbackAddress(): Promise<string> {
  const probe = createTcpServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `127.0.0.1:${port}`;
}

/** Splits `host:port`; IPv6 hosts are written in brackets (`[::1]:9464`). */
function hostAndPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(i + 1)) };
}

async function sdkMetrics(sdkAddress: string | undefined, logger: Logger): Promise<string> {
  if (!sdkAddress) return '';
  try {
    const res = await fetch(`http://${sdkAddress}/metrics`, { signal: AbortSignal.timeout(SDK_SCRAPE_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.text();
  } catch (err) {
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'worker metrics: SDK exporter did not answer');
    return '';
  }
}

export async function serveWorkerMetrics(opts: {
  address: string;
  registry: Registry;
  /** Where the Runtime's Prometheus exporter listens (worker/runtime.ts); unset: our metrics only. */
  sdkAddress?: string;
  logger: Logger;
  /** The MongoDB client's health (models/mongo-watchdog.ts): `GET /healthz` is the worker's liveness probe. */
  mongoHealth?: () => MongoHealth;
}): Promise<WorkerMetricsServer> {
  const { registry, logger } = opts;
  const server: Server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      const mongodb = opts.mongoHealth?.();
      const up = !mongodb || mongodb.healthy;
      res
        .writeHead(up ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify(up ? { status: 'up' } : { status: 'down', checks: { mongodb } }));
      return;
    }
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    Promise.all([registry.metrics(), sdkMetrics(opts.sdkAddress, logger)]).then(
      ([ours, sdk]) => res.writeHead(200, { 'content-type': registry.contentType }).end(`${ours}\n${sdk}`),
      (err: unknown) => {
        logger.error({ err: err instanceof Error ? err.message : String(err) }, 'worker metrics: scrape failed');
        res.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  const { host, port } = hostAndPort(opts.address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = server.address() as AddressInfo;
  const address = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  logger.info({ address }, 'worker metrics: serving /metrics and /healthz');
  return {
    address,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
