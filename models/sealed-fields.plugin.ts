/**
 * Seals personal fields at the model boundary (issue 15), in one place rather than at every
 * call site: whatever a model writes — `create`/`save`, an update's `$set`/`$setOnInsert`, a
 * replacement, a `bulkWrite` — has the value of every key named in `keys`, at any depth (in
 * Mixed fields too), replaced by its sealed text (security/sealed-value.ts); whatever a query
 * returns, `.lean()` or not, has every sealed text opened again. Callers see clear values; the
 * database holds none.
 *
 * Limits, by design: a sealed field cannot be filtered, sorted or aggregated on (its text
 * differs at every write) — an equality lookup goes through a blind index instead
 * (open-case locks); a filter on a sealed key is refused here so it cannot silently match
 * nothing. Cursors, aggregations and `Model.collection` bypass the hooks and see sealed texts.
 */
import type { Schema } from 'mongoose';
import { PERSONAL_KEYS } from '../domain/vocabulary';
import { isSealed, parseSealed } from '../security/sealed-value';
import { dataProtection } from './data-protection';

/** The personal fields every collection seals: ID numbers, names, phones, emails. */
export { PERSONAL_KEYS };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/** The last segment of an update path (`family.0.name` → `name`); operators stay as they are. */
const leaf = (key: string) => key.slice(key.lastIndexOf('.') + 1);

function sealOne(value: unknown): unknown {
  if (value === null || value === undefined || isSealed(value)) return value;
  // Element-wise, so an array of strings stays an array of strings for the schema's caster.
  if (Array.isArray(value)) return value.map(sealOne);
  return dataProtection().seal(value);
}

/** A copy of `value` with the keys in `keys` sealed; the same object when nothing changed. */
export function sealDeep(value: unknown, keys: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) {
    const out = value.map((v) => sealDeep(v, keys));
    return out.some((v, i) => v !== value[i]) ? out : value;
  }
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const sealed = keys.has(leaf(k)) ? sealOne(v) : sealDeep(v, keys);
    if (sealed !== v) (out ??= { ...value })[k] = sealed;
  }
  return out ?? value;
}

/** Opens every sealed text inside `value`, in place (documents' own storage included). */
export function openDeep(value: unknown): unknown {
  if (isSealed(value)) return dataProtection().open(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = openDeep(value[i]);
    return value;
  }
  if (typeof value !== 'object' || value === null) return value;
  const target = (value as { $__?: unknown; _doc?: Record<string, unknown> }).$__
    ? (value as { _doc: Record<string, unknown> })._doc
    : value;
  if (!isPlainObject(target) && target === value) return value;
  for (const [k, v] of Object.entries(target)) (target as Record<string, unknown>)[k] = openDeep(v);
  return value;
}

function refuseSealedFilter(filter: unknown, keys: ReadonlySet<string>): void {
  if (!isPlainObject(filter)) return;
  for (const [k, v] of Object.entries(filter)) {
    if (keys.has(leaf(k))) throw new Error(`${k} is sealed at rest: look it up through a blind index, not a filter`);
    if (k.startsWith('$') && Array.isArray(v)) for (const f of v) refuseSealedFilter(f, keys);
  }
}

const WRITES = ['updateOne', 'updateMany', 'findOneAndUpdate', 'findOneAndReplace', 'replaceOne'] as const;
const READS = [
  'find',
  'findOne',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'deleteOne',
  'deleteMany',
  'countDocuments',
] as const;

interface BulkOp {
  insertOne?: { document: unknown };
  updateOne?: { update: unknown };
  updateMany?: { update: unknown };
  replaceOne?: { replacement: unknown };
}

/** Each collection the plugin seals, with its keys: what key rotation re-seals (reseal.activities.ts). */
export const SEALED_COLLECTIONS = new Map<string, ReadonlySet<string>>();

function resealOne(value: unknown): unknown {
  if (!isSealed(value)) return sealOne(value);
  const dp = dataProtection();
  return dp.ring.isStale(parseSealed(value)) ? dp.seal(dp.open(value)) : value;
}

/**
 * A copy of a raw stored document with every value sealed by a key or suite other than the
 * current ones sealed again with the current ones, and every clear value under `keys` (written
 * before sealing was on) sealed; the same object when nothing changed.
 */
export function resealDeep(value: unknown, keys: ReadonlySet<string>): unknown {
  if (isSealed(value)) return resealOne(value);
  if (Array.isArray(value)) {
    const out = value.map((v) => resealDeep(v, keys));
    return out.some((v, i) => v !== value[i]) ? out : value;
  }
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const next =
      keys.has(k) && v !== null && v !== undefined ? (Array.isArray(v) ? v.map(resealOne) : resealOne(v)) : resealDeep(v, keys);
    const changed = Array.isArray(next) && Array.isArray(v) ? next.some((x, i) => x !== v[i]) : next !== v;
    if (changed) (out ??= { ...value })[k] = next;
  }
  return out ?? value;
}

export function sealedFieldsPlugin(schema: Schema, opts: { keys: readonly string[] }): void {
  const keys = new Set(opts.keys);
  const collection = schema.get('collection');
  if (collection) SEALED_COLLECTIONS.set(collection, keys);

  schema.pre('save', function () {
    const plain = this.toObject({ depopulate: true, virtuals: false, getters: false }) as Record<string, unknown>;
    for (const [k, v] of Object.entries(plain)) {
      const sealed = keys.has(k) ? sealOne(v) : sealDeep(v, keys);
      if (sealed !== v) this.set(k, sealed);
    }
  });
  // The document the caller holds goes back to clear values once stored.
  schema.post('save', function () {
    openDeep(this);
  });

  schema.pre([...WRITES], function () {
    const update = this.getUpdate();
    if (update) this.setUpdate(sealDeep(update, keys) as typeof update);
  });
  schema.pre([...READS], function () {
    refuseSealedFilter(this.getFilter(), keys);
  });
  schema.post(['find', 'findOne', 'findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete'], function (res: unknown) {
    openDeep(res);
  });

  // Model.bulkWrite runs its `bulkWrite` pre hooks with (ops, options) (mongoose 9, lib/model.js);
  // the typings do not list the hook, hence the cast.
  const preBulkWrite = schema.pre.bind(schema) as unknown as (name: 'bulkWrite', fn: (ops: BulkOp[]) => void) => void;
  preBulkWrite('bulkWrite', function (ops: BulkOp[]) {
    for (const op of ops) {
      if (op.insertOne) op.insertOne.document = sealDeep(op.insertOne.document, keys);
      if (op.updateOne) op.updateOne.update = sealDeep(op.updateOne.update, keys);
      if (op.updateMany) op.updateMany.update = sealDeep(op.updateMany.update, keys);
      if (op.replaceOne) op.replaceOne.replacement = sealDeep(op.replaceOne.replacement, keys);
    }
  });
}
