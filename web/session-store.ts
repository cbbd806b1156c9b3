/**
 * express-session's store in MongoDB (any MongoDB, FerretDB included). connect-mongo would make
 * a TTL index, which FerretDB v1 lacks; this store enforces expiry itself: `get` never returns an
 * expired session, and a sweep deletes expired rows every `sweepIntervalMs`.
 *
 * A session holds its person's tokens (an applicant's carries their ID number, and the refresh
 * token renews access), so it is sealed whole with the data keys, like the personal fields of the
 * other collections. A session sealed with a key no longer configured is no session: its person
 * signs in again (sessions live hours; re-sealing them is not worth a key rotation's time).
 */
import session from 'express-session';
import { trusted, type Connection } from 'mongoose';
import type { Logger } from '../config/logger';
import { dataProtection } from '../models/data-protection';
import { webSessionModel } from '../models/web-session.model';

type Callback = (err?: unknown) => void;

/** A touch moves the expiry only by more than this (see `touch`). */
export const TOUCH_STEP_MS = 60_000;

/** The session a stored row's `data` holds (sealed; written before sealing was on, plain JSON). */
export function storedSessionData(data: string): session.SessionData {
  const value = dataProtection().open<session.SessionData | string>(data);
  return typeof value === 'string' ? (JSON.parse(value) as session.SessionData) : value;
}

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
        cb(null, this.opened(sid, doc.data));
      }, cb);
  }

  private opened(sid: string, data: string): session.SessionData | null {
    try {
      return storedSessionData(data);
    } catch (err) {
      this.opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'web session unreadable: signed out');
      void this.model.deleteOne({ _id: sid }).catch(() => undefined);
      return null;
    }
  }

  override set(sid: string, s: session.SessionData, cb?: Callback): void {
    const data = dataProtection().seal(s);
    this.model.updateOne({ _id: sid }, { $set: { data, expiresAt: this.expiryOf(s) } }, { upsert: true }).then(
      () => cb?.(),
      (err: unknown) => cb?.(err),
    );
  }

  /**
   * Moves the expiry, but only when it moves by more than a minute. express-session sends a
   * response's headers before its touch finishes, so the browser's next request (the next step
   * of signing in, say) can save the session while the touch is still running; FerretDB v1
   * updates by reading and rewriting the whole document, so that touch would put back the data
   * the save just replaced (a sign-in under way lost its state). A session written moments ago
   * is never touched, which closes that window; idle expiry stays exact to the minute.
   */
  override touch(sid: string, s: session.SessionData, cb?: Callback): void {
    const expiresAt = this.expiryOf(s);
    const stale = trusted({ $lt: new Date(expiresAt.getTime() - TOUCH_STEP_MS) });
    this.model.updateOne({ _id: sid, expiresAt: stale }, { $set: { expiresAt } }).then(
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
