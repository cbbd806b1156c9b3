/**
 * A throw-away PostgreSQL database for FerretDB's PostgreSQL backend (`--store postgresql`),
 * made and dropped with the PostgreSQL client tools (createdb / dropdb) on a local server.
 */
import { execFileSync } from 'node:child_process';
import { customPlansSql } from '../../models/postgresql-indexes';

function connArgs(base: URL): string[] {
  if (base.hostname !== '127.0.0.1' && base.hostname !== 'localhost') throw new Error('PostgreSQL must be on 127.0.0.1');
  return ['-h', base.hostname, '-p', base.port || '5432', ...(base.username ? ['-U', decodeURIComponent(base.username)] : [])];
}

/** Creates database `name` on the server of `baseUrl`; returns its URL. */
export function createDatabase(baseUrl: string, name: string): string {
  const base = new URL(baseUrl);
  execFileSync('createdb', [...connArgs(base), name], { stdio: 'pipe', timeout: 30_000 });
  // Before FerretDB connects: its statements keep their indexes (models/postgresql-indexes.ts).
  execFileSync('psql', [...connArgs(base), '-d', name, '-c', customPlansSql(name)], { stdio: 'pipe', timeout: 30_000 });
  base.pathname = `/${name}`;
  return base.toString();
}

export function dropDatabase(baseUrl: string, name: string): void {
  execFileSync('dropdb', [...connArgs(new URL(baseUrl)), '--if-exists', '--force', name], { stdio: 'pipe', timeout: 30_000 });
}

/** True when the PostgreSQL client tools are installed and the server answers. */
export function postgresqlAvailable(baseUrl: string): boolean {
  try {
    execFileSync('pg_isready', connArgs(new URL(baseUrl)), { stdio: 'pipe', timeout: 5000 });
    execFileSync('createdb', ['--version'], { stdio: 'pipe', timeout: 5000 });
    execFileSync('psql', ['--version'], { stdio: 'pipe', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}
