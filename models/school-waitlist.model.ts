/**
 * The waiting list for kindergarten and school places per area and level (§21–23): a child whose
 * level is full waits here while the family settles, and is placed in the order it joined when
 * a place frees or the capacity rises. One document per waiting child (`<pool>#<holder>`).
 */
import { Schema, type Connection, type Model } from 'mongoose';

export interface SchoolWaitlistDoc {
  _id: string;
  pool: string;
  /** `<caseId>:<item>`, as in reservation_slots. */
  holder: string;
  caseId: string;
  /** When the child joined the list: the order of placement. */
  since: Date;
}

const waitlistSchema = new Schema<SchoolWaitlistDoc>(
  {
    _id: { type: String, required: true },
    pool: { type: String, required: true },
    holder: { type: String, required: true },
    caseId: { type: String, required: true },
    since: { type: Date, required: true },
  },
  { collection: 'school_waitlist', versionKey: false },
);
waitlistSchema.index({ pool: 1, since: 1 });

export function schoolWaitlistModel(conn: Connection): Model<SchoolWaitlistDoc> {
  return (
    (conn.models.SchoolWaitlist as Model<SchoolWaitlistDoc> | undefined) ??
    conn.model<SchoolWaitlistDoc>('SchoolWaitlist', waitlistSchema)
  );
}
