/**
 * TLS towards MongoDB and Temporal (issue 15 §6): certificates come from files named in the
 * configuration, and every process that connects (api, worker, simulator, identity provider,
 * mail sink — all through models/mongo-watchdog.ts and temporal/client.ts) builds
 * its options here, so no connection can forget them. Files are checked at start-up, naming the
 * variable, rather than failing at the first handshake.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';

export interface MongoTlsSettings {
  MONGODB_TLS_CA_FILE?: string | undefined;
  MONGODB_TLS_CERT_KEY_FILE?: string | undefined;
}

export interface TemporalTlsSettings {
  TEMPORAL_TLS_CA_FILE?: string | undefined;
  TEMPORAL_TLS_CERT_FILE?: string | undefined;
  TEMPORAL_TLS_KEY_FILE?: string | undefined;
  TEMPORAL_TLS_SERVER_NAME?: string | undefined;
}

const FILE_VARIABLES = [
  'MONGODB_TLS_CA_FILE',
  'MONGODB_TLS_CERT_KEY_FILE',
  'TEMPORAL_TLS_CA_FILE',
  'TEMPORAL_TLS_CERT_FILE',
  'TEMPORAL_TLS_KEY_FILE',
] as const;

/** Config issues: a named file that cannot be read, a client certificate without its key (or the reverse). */
export function tlsFileIssues(c: MongoTlsSettings & TemporalTlsSettings): { path: [string]; message: string }[] {
  const issues: { path: [string]; message: string }[] = [];
  for (const name of FILE_VARIABLES) {
    const file = c[name];
    if (file === undefined) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch {
      issues.push({ path: [name], message: 'names a file this process cannot read' });
    }
  }
  if ((c.TEMPORAL_TLS_CERT_FILE === undefined) !== (c.TEMPORAL_TLS_KEY_FILE === undefined)) {
    const missing = c.TEMPORAL_TLS_CERT_FILE === undefined ? 'TEMPORAL_TLS_CERT_FILE' : 'TEMPORAL_TLS_KEY_FILE';
    issues.push({ path: [missing], message: 'a client certificate needs both TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE' });
  }
  return issues;
}

/**
 * The MongoDB driver's TLS options; empty when none is configured (a `tls=true` in MONGODB_URI
 * still works as before). The driver reads the files itself.
 */
export function mongoTlsOptions(c: MongoTlsSettings): Record<string, unknown> {
  if (!c.MONGODB_TLS_CA_FILE && !c.MONGODB_TLS_CERT_KEY_FILE) return {};
  return {
    tls: true,
    ...(c.MONGODB_TLS_CA_FILE ? { tlsCAFile: c.MONGODB_TLS_CA_FILE } : {}),
    ...(c.MONGODB_TLS_CERT_KEY_FILE ? { tlsCertificateKeyFile: c.MONGODB_TLS_CERT_KEY_FILE } : {}),
  };
}

/**
 * The Temporal SDK's `tls` option (the same shape for the client's Connection and the worker's
 * NativeConnection); undefined, plain TCP, when nothing is configured. A CA file replaces the
 * system roots; without one the system roots verify the server (e.g. Temporal Cloud).
 */
export function temporalTlsOptions(c: TemporalTlsSettings): TLSConfig | undefined {
  const any = c.TEMPORAL_TLS_CA_FILE || c.TEMPORAL_TLS_CERT_FILE || c.TEMPORAL_TLS_KEY_FILE || c.TEMPORAL_TLS_SERVER_NAME;
  if (!any) return undefined;
  return {
    ...(c.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: c.TEMPORAL_TLS_SERVER_NAME } : {}),
    ...(c.TEMPORAL_TLS_CA_FILE ? { serverRootCACertificate: readFileSync(c.TEMPORAL_TLS_CA_FILE) } : {}),
    ...(c.TEMPORAL_TLS_CERT_FILE && c.TEMPORAL_TLS_KEY_FILE
      ? { clientCertPair: { crt: readFileSync(c.TEMPORAL_TLS_CERT_FILE), key: readFileSync(c.TEMPORAL_TLS_KEY_FILE) } }
      : {}),
  };
}
