/**
 * The bench's throw-away PostgreSQL database under FerretDB (`--store postgresql`), made and
 * dropped by scripts/lib/postgresql.ts as the test stacks' are (no PostgreSQL client tools
 * needed). Its name carries this process's id, and every run first drops the databases of bench
 * runs whose process is gone: a killed run leaves nothing behind for long.
 */
import { dropAbandonedDatabases, dropDatabase, ensureDatabase } from '../../scripts/lib/postgresql';
import { say } from './progress';

const PREFIX = 'hukou_bench_';

/** Creates the run's database on `serverUrl`; `onCleanup` gets what drops it. */
export async function benchDatabase(
  serverUrl: string,
  onCleanup: (drop: () => Promise<void>) => void,
): Promise<{ name: string; url: string }> {
  const abandoned = await dropAbandonedDatabases(serverUrl, PREFIX);
  if (abandoned.length > 0) say(`dropped the databases of killed bench runs: ${abandoned.join(', ')}`);
  const name = `${PREFIX}${Date.now()}_${process.pid}`;
  const url = await ensureDatabase(serverUrl, name);
  onCleanup(() => dropDatabase(serverUrl, name));
  return { name, url };
}
