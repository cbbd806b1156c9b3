/**
 * Mail sink entry point (development default of `npm start`, issue 14): connects to the database
 * `mail_sink` on the server of MONGODB_URI (its own, like the simulator's), takes SMTP on
 * MAIL_SINK_HOST:MAIL_SINK_SMTP_PORT and serves the mailbox page on MAIL_SINK_HTTP_PORT.
 */
import { loadStandInConfig } from '../../config/config';
import { warnSecretsNotUsed } from '../../config/process-secrets';
import { createLogger } from '../../config/logger';
import { connectWatchedMongo } from '../../models/mongo-watchdog';
import { createMailboxApp } from './mailbox';
import { createSmtpSink, listenSmtpSink } from './sink';

const MAIL_SINK_DATABASE = 'mail_sink';

async function main(): Promise<void> {
  const config = loadStandInConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'mail-sink' });
  warnSecretsNotUsed('mail-sink', logger);
  const url = new URL(config.MONGODB_URI);
  url.pathname = `/${MAIL_SINK_DATABASE}`;
  const { mongo: conn } = await connectWatchedMongo({ ...config, MONGODB_URI: url.toString() }, logger);
  const smtpAddress = `${config.MAIL_SINK_HOST}:${config.MAIL_SINK_SMTP_PORT}`;
  const smtp = await listenSmtpSink(createSmtpSink({ conn, logger }), config.MAIL_SINK_HOST, config.MAIL_SINK_SMTP_PORT);
  const http = createMailboxApp({ conn, smtpAddress }).listen(config.MAIL_SINK_HTTP_PORT, config.MAIL_SINK_HOST, () => {
    logger.info(
      { smtp: smtpAddress, mailbox: `http://${config.MAIL_SINK_HOST}:${config.MAIL_SINK_HTTP_PORT}/` },
      'mail sink listening',
    );
  });
  http.on('error', (err) => {
    logger.fatal({ err: err.message }, 'mail sink cannot listen');
    process.exit(1);
  });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'mail sink shutting down');
    http.close();
    http.closeIdleConnections();
    void smtp.close().finally(() => void conn.close().finally(() => process.exit(0)));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`mail sink failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
