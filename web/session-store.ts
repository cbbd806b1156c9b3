/**
 * express-session's store in MongoDB (any MongoDB, FerretDB included). connect-mongo would make
 * a TTL index, which FerretDB v1 lacks; this store enforces expiry itself: `get` never returns an
 * expired session, and a sweep deletes expired rows every `sweepIntervalMs`.
 */
import session from 'express-session';
import { trusted, type Connection } from 'mongoose';
import type { Logger } from '../config/logger';
import { webSessionModel } from '../models/web-session.model';

type Callback = (err?: unknown) => void;

export class MongoSessionStore extends session.Store {
  private readonly model;
  private timer?: NodeJS.Timeout;

  constructor(
    mongo: Connection,
    private readonly opts: { idleMs: number; sweepIntervalMs: number; logger: Logger },
  ) {
    super();
    this.model = webSessionModel(mongo);
    if (opts.sweepIntervalMs > 0) {
      this.timer = setInterval(() => {
        this.sweep().catch((err: unknown) =>
          opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'session sweep failed'),
        );
      }, opts.sweepIntervalMs);
      this.timer.unref();
    }
  }

  /** Deletes every expired session; answers how many. */
  async sweep(now = new Date()): Promise<number> {
    const { deletedCount } = await this.model.deleteMany({ expiresAt: trusted({ $lt: now }) });
    return deletedCount;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private expiryOf(s: session.SessionData): Date {
    const cookieExpiry = s.cookie?.expires ? new Date(s.cookie.expires) : undefined;
    return cookieExpiry ?? new Date(Date.now() + this.opts.idleMs);
  }

  override get(sid: string, cb: (err: unknown, s?: session.SessionData | null) => void): void {
    this.model
      .findById(sid)
      .lean()
      .then((doc) => {
        if (!doc || doc.expiresAt.getTime() <= Date.now()) return cb(null, null);
        cb(null, JSON.parse(doc.data) as session.SessionData);
      }, cb);
  }

  override set(sid: string, s: session.SessionData, cb?: Callback): void {
    this.model.updateOne({ _id: sid }, { $set: { data: JSON.stringify(s), expiresAt: this.expiryOf(s) } }, { upsert: true }).then(
      () => cb?.(),
      (err: unknown) => cb?.(err),
    );
  }

  override touch(sid: string, s: session.SessionData, cb?: Callback): void {
    this.model.updateOne({ _id: sid }, { $set: { expiresAt: this.expiryOf(s) } }).then(
      () => cb?.(),
      (err: unknown) => cb?.(err),
    );
  }

  override destroy(sid: string, cb?: Callback): void {
    this.model.deleteOne({ _id: sid }).then(
      () => cb?.(),
      (err: unknown) => cb?.(err),
    );
  }
}
