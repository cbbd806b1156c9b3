/**
 * The `migrations` collection: one document per data migration a worker ran at start, so that a
 * later start skips it. Several workers start together (the cluster, a rolling deploy): both may
 * run a migration (each is idempotent) and both mark it; the second mark meets the first.
 */
import type { Connection } from 'mongoose';
import { isDuplicateKey } from './duplicate-key';

const collection = (conn: Connection) => conn.collection<{ _id: string; at: Date }>('migrations');

export async function migrationDone(conn: Connection, id: string): Promise<boolean> {
  return (await collection(conn).findOne({ _id: id })) !== null;
}

/** Marks a migration done; a worker that marked it first is not an error. */
export async function markMigrationDone(conn: Connection, id: string): Promise<void> {
  try {
    await collection(conn).insertOne({ _id: id, at: new Date() });
  } catch (err) {
    // An upsert would race the same way (E11000 from two upserts of one _id): the insert says it plainly.
    if (!isDuplicateKey(err)) throw err;
  }
}
