/**
 * TLS towards MongoDB and Temporal from configuration (issue 15 §6): the options builders pass
 * the configured files, and real handshakes prove it — a TLS listener with a certificate of its
 * own (made here with openssl, signed by a throw-away CA) in front of the test run's Temporal and
 * FerretDB: the clients connect with that CA file and are refused with another CA's.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, loadConfig } from '../../config/config';
import { mongoTlsOptions, temporalTlsOptions } from '../../config/tls-options';
import { connectMongo, mongoOpenOptions } from '../../models/connection';
import { temporalConnectionOptions } from '../../temporal/client';
import { mongoUriFor, temporalAddress } from '../support/services';

/** A CA and a server certificate it signed (for localhost and 127.0.0.1), plus a second, unrelated CA. */
function makeCertificates(dir: string) {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  for (const ca of ['ca', 'other-ca']) {
    openssl('req', '-x509', ...ec, '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '1', '-subj', `/CN=${ca} of the test`);
  }
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(
    join(dir, 'server.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '1',
    '-extfile',
    'server.ext',
  );
  return {
    ca: join(dir, 'ca.pem'),
    otherCa: join(dir, 'other-ca.pem'),
    cert: join(dir, 'server.pem'),
    key: join(dir, 'server.key'),
  };
}

/** Terminates TLS and forwards the plain bytes to `target` (host:port): the service, as if it spoke TLS itself. */
async function tlsFront(target: string, files: { cert: string; key: string }): Promise<{ address: string; server: TlsServer }> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const server = createTlsServer(
    { cert: readFileSync(files.cert), key: readFileSync(files.key), ALPNProtocols: ['h2', 'http/1.1'] },
    (client) => {
      const upstream = netConnect(port, host);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Whether `p` rejected within `ms` (a connection that neither connects nor fails would hang the test). */
async function rejectsWithin(p: Promise<unknown>, ms: number): Promise<'rejected' | 'resolved' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const outcome = p.then(
    async (v) => {
      await (v as { close?: () => Promise<void> })?.close?.();
      return 'resolved' as const;
    },
    () => 'rejected' as const,
  );
  try {
    return await Promise.race([outcome, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('TLS towards MongoDB and Temporal', () => {
  let dir: string;
  let files: ReturnType<typeof makeCertificates>;
  let temporalFront: { address: string; server: TlsServer };
  let mongoFront: { address: string; server: TlsServer };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hukou-tls-'));
    files = makeCertificates(dir);
    temporalFront = await tlsFront(temporalAddress(), files);
    mongoFront = await tlsFront(new URL(mongoUriFor('x')).host, files);
  });
  after(async () => {
    for (const f of [temporalFront, mongoFront])
      await new Promise<void>((resolve) => (f ? f.server.close(() => resolve()) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('when TLS files are configured, then the builders pass them: the CA and client pair to Temporal, the files to the MongoDB driver', () => {
    const temporal = temporalTlsOptions({
      TEMPORAL_TLS_CA_FILE: files.ca,
      TEMPORAL_TLS_CERT_FILE: files.cert,
      TEMPORAL_TLS_KEY_FILE: files.key,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    assert.deepEqual(temporal?.serverRootCACertificate, readFileSync(files.ca));
    assert.deepEqual(temporal?.clientCertPair?.crt, readFileSync(files.cert));
    assert.deepEqual(temporal?.clientCertPair?.key, readFileSync(files.key));
    assert.equal(temporal?.serverNameOverride, 'temporal.internal');
    assert.equal(temporalTlsOptions({}), undefined, 'nothing configured: plain TCP, as before');
    assert.deepEqual(temporalConnectionOptions({ TEMPORAL_ADDRESS: 'h:7233' }), { address: 'h:7233' });

    const mongo = mongoOpenOptions({
      uri: 'mongodb://h',
      serverSelectionTimeoutMS: 1,
      tls: mongoTlsOptions({ MONGODB_TLS_CA_FILE: files.ca, MONGODB_TLS_CERT_KEY_FILE: files.key }),
    });
    assert.equal(mongo.tls, true);
    assert.equal(mongo.tlsCAFile, files.ca);
    assert.equal(mongo.tlsCertificateKeyFile, files.key);
    assert.deepEqual(mongoTlsOptions({}), {});
  });

  it('when a TLS file cannot be read, or a client certificate lacks its key, then start-up fails naming the variable', () => {
    assert.throws(
      () => loadConfig({ MONGODB_TLS_CA_FILE: join(dir, 'missing.pem') }),
      (e: unknown) => e instanceof ConfigError && /MONGODB_TLS_CA_FILE=/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ TEMPORAL_TLS_CERT_FILE: files.cert }),
      (e: unknown) => e instanceof ConfigError && /TEMPORAL_TLS_KEY_FILE/.test(e.message),
    );
    assert.doesNotThrow(() => loadConfig({ TEMPORAL_TLS_CA_FILE: files.ca, MONGODB_TLS_CA_FILE: files.ca }));
  });

  it('when the Temporal client and the worker connection trust the configured CA, then they talk to Temporal over TLS', async () => {
    const options = temporalConnectionOptions(
      loadConfig({
        TEMPORAL_ADDRESS: temporalFront.address,
        TEMPORAL_TLS_CA_FILE: files.ca,
        TEMPORAL_TLS_SERVER_NAME: 'localhost',
      }),
    );
    const client = await Connection.connect({ ...options, connectTimeout: 10_000 });
    try {
      const info = await client.workflowService.getSystemInfo({});
      assert.ok(info.serverVersion, 'a real answer from the server through TLS');
    } finally {
      await client.close();
    }
    const native = await NativeConnection.connect(options);
    await native.close();
  });

  it('when the configured CA did not sign the server certificate, then the Temporal connections are refused', async () => {
    const options = temporalConnectionOptions(
      loadConfig({
        TEMPORAL_ADDRESS: temporalFront.address,
        TEMPORAL_TLS_CA_FILE: files.otherCa,
        TEMPORAL_TLS_SERVER_NAME: 'localhost',
      }),
    );
    assert.equal(await rejectsWithin(Connection.connect({ ...options, connectTimeout: 5000 }), 20_000), 'rejected');
    assert.equal(await rejectsWithin(NativeConnection.connect(options), 20_000), 'rejected');
  });

  it('when MongoDB is reached through TLS, then the configured CA connects and another CA is refused', async () => {
    const uri = `mongodb://${mongoFront.address}/test_tls?directConnection=true`;
    const good = await connectMongo({
      uri,
      serverSelectionTimeoutMS: 5000,
      tls: mongoTlsOptions({ MONGODB_TLS_CA_FILE: files.ca }),
    });
    try {
      assert.equal((await good.db!.command({ ping: 1 })).ok, 1);
    } finally {
      await good.close();
    }
    await assert.rejects(
      connectMongo({ uri, serverSelectionTimeoutMS: 2000, tls: mongoTlsOptions({ MONGODB_TLS_CA_FILE: files.otherCa }) }),
      /certificate|self.signed|verify/i,
    );
  });
});
