/**
 * Embedded identity provider entry point (npm start runs it; README "Sign-in"): load config and
 * the accounts file, connect to the database `identity` on the server of MONGODB_URI (its own
 * database, apart from the case engine's), listen on IDENTITY_HOST:IDENTITY_PORT.
 */
import { identityWebClientUris, loadStandInConfig } from '../../config/config';
import { createLogger } from '../../config/logger';
import { connectWatchedMongo } from '../../models/mongo-watchdog';
import { DEV_ACCOUNTS_FILE, loadAccounts } from './accounts';
import { identityIssuer } from './issuer';
import { createIdentityProvider } from './provider';

const IDENTITY_DATABASE = 'identity';

async function main(): Promise<void> {
  const config = loadStandInConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'identity-provider' });
  if (config.NODE_ENV === 'production' && !config.IDENTITY_ACCOUNTS_FILE) {
    throw new Error('the demo accounts are for development: set IDENTITY_ACCOUNTS_FILE, or use your own OIDC provider');
  }
  const accounts = await loadAccounts(config.IDENTITY_ACCOUNTS_FILE ?? DEV_ACCOUNTS_FILE);
  const url = new URL(config.MONGODB_URI);
  url.pathname = `/${IDENTITY_DATABASE}`;
  const { mongo: conn } = await connectWatchedMongo({ ...config, MONGODB_URI: url.toString() }, logger);
  const issuer = identityIssuer(config);
  const idp = await createIdentityProvider({
    issuer,
    audience: config.AUTH_AUDIENCE,
    db: () => conn.db!,
    accounts,
    dataDir: config.IDENTITY_DATA_DIR,
    webRedirectUris: identityWebClientUris(config).redirectUris,
    webPostLogoutRedirectUris: identityWebClientUris(config).postLogoutRedirectUris,
    logger,
  });
  const server = idp.app.listen(config.IDENTITY_PORT, config.IDENTITY_HOST, () => {
    logger.info({ issuer }, 'identity provider listening');
  });
  server.on('error', (err) => {
    logger.fatal({ err: err.message }, 'identity provider cannot listen');
    process.exit(1);
  });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'identity provider shutting down');
    idp.close();
    server.close(() => void conn.close().finally(() => process.exit(0)));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`identity provider failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
