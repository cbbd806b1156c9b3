/**
 * What `npm start`'s databases on a shared PostgreSQL are called, kept in `.data/store-name`.
 *
 * The dev server's history is a file under `.data/`, but FerretDB keeps the read model, the
 * simulator's registers, the mail sink and the identity provider's grants on the machine's
 * PostgreSQL, which every checkout shares. Under one fixed name, a fresh clone (or a deleted
 * `.data/`) met the cases of another history: documents without workflows, stuck in inboxes for
 * good. A name made with `.data/` and kept in it ties the two together: both start empty together.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The name checkouts used before names were kept in `.data/`. */
export const SHARED_STORE_NAME = 'hukou';
const FILE = 'store-name';
const NAME = /^hukou(_[a-f0-9]{8})?$/;

/**
 * The checkout's store name: read from `dataDir`, or made (`hukou_` and 8 hex digits) and written
 * there. A `.data/` that already holds a dev-server history but no name is a checkout from before
 * names: it keeps the shared name its cases were written under.
 */
export function storeName(dataDir: string): string {
  const file = join(dataDir, FILE);
  if (existsSync(file)) {
    const name = readFileSync(file, 'utf8').trim();
    if (!NAME.test(name))
      throw new Error(
        `${file} holds ${JSON.stringify(name)}, not a store name (hukou or hukou_ and 8 hex digits): fix or delete it`,
      );
    return name;
  }
  const name = existsSync(join(dataDir, 'temporal', 'temporal.db'))
    ? SHARED_STORE_NAME
    : `${SHARED_STORE_NAME}_${randomBytes(4).toString('hex')}`;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${name}\n`);
  return name;
}

/** The PostgreSQL databases of one store name: FerretDB's (dev server or cluster) and the cluster's Temporal. */
export function storeDatabases(name: string): {
  ferretdb: string;
  clusterFerretdb: string;
  temporal: string;
  temporalVisibility: string;
} {
  return {
    ferretdb: name,
    clusterFerretdb: `${name}_cluster`,
    temporal: `${name}_temporal`,
    temporalVisibility: `${name}_temporal_visibility`,
  };
}
