/**
 * Inserts records of deterministic ids in one unordered insert; those an earlier attempt wrote
 * are left as they are (a notice may have been sent since, the first proof of service stands).
 * An insert instead of an upsert per record: FerretDB runs an upsert as a lookup and then an
 * insert, each its own statement. Through the model's `bulkWrite`, so its hooks (sealed
 * personal fields) apply.
 */
import type { Model } from 'mongoose';
import { onlyDuplicateKeys } from './duplicate-key';

export async function insertNew<T>(model: Model<T>, documents: Array<Record<string, unknown>>): Promise<void> {
  if (documents.length === 0) return;
  const ops = documents.map((document) => ({ insertOne: { document } }));
  try {
    await model.bulkWrite(ops as Parameters<typeof model.bulkWrite>[0], { ordered: false });
  } catch (err) {
    if (!onlyDuplicateKeys(err)) throw err;
  }
}
