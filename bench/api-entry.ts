/**
 * The API process of the benchmark: exactly what api/main.ts runs (config, MongoDB, Temporal,
 * createApp, listen), plus — in the same process, on BENCH_BARE_PORT — a bare Express app with
 * one JSON route, the baseline of the status-read figure. Both servers share the event loop,
 * so the difference between them is our middleware and handler, not the machine.
 *
 *   GET /bare          → the payload as JSON (res.json, nothing else)
 *   PUT /bare          → sets the payload (the bench uses a real case view, so both routes
 *                        serialize the same body)
 */
import express from 'express';
import { createApp } from '../api/app';
import { connectApi } from '../api/connect';
import { loadConfig } from '../config/config';
import { createLogger } from '../config/logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'api' });
  const { mongo, connection, temporal } = await connectApi(config, logger);
  createApp({ config, logger, temporal, mongo }).listen(config.API_PORT, config.API_HOST);

  let payload: unknown = { status: 'up' };
  const bare = express();
  bare.get('/bare', (_req, res) => {
    res.json(payload);
  });
  bare.put('/bare', express.json({ limit: '1mb' }), (req, res) => {
    payload = req.body;
    res.status(204).end();
  });
  bare.listen(Number(process.env.BENCH_BARE_PORT), config.API_HOST);

  const shutdown = () => {
    // allSettled never rejects; the process ends when both closes settled or after 3 s.
    void Promise.allSettled([connection.close(), mongo.close()]).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
