/**
 * oidc-provider's storage over MongoDB: sessions, interactions, grants, codes, tokens — one
 * collection (`oidc_records`), one document per record, `_id` = `<model>:<id>`. FerretDB v1 has
 * no TTL indexes, so expiry is the code's job: a record whose `expiresAt` has passed is never
 * returned, and sweepExpired() (run periodically by the provider) deletes such records. The
 * payload is stored as a JSON string: its keys (resource URLs, claim names) may hold `.` or `$`,
 * which FerretDB refuses as field names. No transactions: every call is one document operation
 * (revokeByGrantId one deleteMany).
 */
import type { mongo } from 'mongoose';
import type { Adapter, AdapterPayload } from 'oidc-provider';

export const OIDC_COLLECTION = 'oidc_records';

interface OidcRecord {
  _id: string;
  model: string;
  payload: string;
  expiresAt?: Date;
  grantId?: string;
  uid?: string;
  userCode?: string;
}

const live = (r: OidcRecord | null, now: Date): AdapterPayload | undefined =>
  r && (!r.expiresAt || r.expiresAt > now) ? (JSON.parse(r.payload) as AdapterPayload) : undefined;

export interface MongoAdapterFactory {
  /** The class oidc-provider instantiates once per model name. */
  Adapter: new (model: string) => Adapter;
  /** Deletes every expired record; returns how many. */
  sweepExpired(now?: Date): Promise<number>;
  /** Creates the lookup indexes (plain ones: FerretDB has no TTL or partial indexes). */
  ensureIndexes(): Promise<void>;
}

/**
 * `db` may be a function: the process's client can be reopened (models/mongo-watchdog.ts), and
 * then the Db of the old one must not be used again.
 */
export function createMongoAdapter(db: mongo.Db | (() => mongo.Db), now: () => Date = () => new Date()): MongoAdapterFactory {
  const dbOf = typeof db === 'function' ? db : () => db;
  const records = (): mongo.Collection<OidcRecord> => dbOf().collection<OidcRecord>(OIDC_COLLECTION);

  class MongoAdapter implements Adapter {
    constructor(private readonly model: string) {}

    private key(id: string): string {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const doc: OidcRecord = { _id: this.key(id), model: this.model, payload: JSON.stringify(payload) };
      if (expiresIn) doc.expiresAt = new Date(now().getTime() + expiresIn * 1000);
      if (payload.grantId) doc.grantId = payload.grantId;
      if (payload.uid) doc.uid = payload.uid;
      if (payload.userCode) doc.userCode = payload.userCode;
      await records().replaceOne({ _id: doc._id }, doc, { upsert: true });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return live(await records().findOne({ _id: this.key(id) }), now());
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return live(await records().findOne({ model: this.model, uid }), now());
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return live(await records().findOne({ model: this.model, userCode }), now());
    }

    async consume(id: string): Promise<void> {
      const r = await records().findOne({ _id: this.key(id) });
      if (!r) return;
      const payload = JSON.parse(r.payload) as AdapterPayload;
      payload.consumed = Math.floor(now().getTime() / 1000);
      await records().updateOne({ _id: r._id }, { $set: { payload: JSON.stringify(payload) } });
    }

    async destroy(id: string): Promise<void> {
      await records().deleteOne({ _id: this.key(id) });
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await records().deleteMany({ grantId });
    }
  }

  return {
    Adapter: MongoAdapter,
    async sweepExpired(at = now()) {
      const { deletedCount } = await records().deleteMany({ expiresAt: { $lte: at } });
      return deletedCount;
    },
    async ensureIndexes() {
      await records().createIndex({ model: 1, uid: 1 });
      await records().createIndex({ grantId: 1 });
      await records().createIndex({ expiresAt: 1 });
    },
  };
}
