/**
 * Access records (查询留痕, issue 15 part 3): one per view of a case (or a list of cases) by an
 * officer, supervisor or operator. Append-only and tamper-evident: `_id` is `<day>:<seq>` (the
 * Asia/Shanghai day, the seq zero-padded), each record carries the hash of the day's previous
 * record and its own (app/access-records/chain.ts). Nothing in the code updates or deletes one.
 */
import { Schema, type Connection, type Model } from 'mongoose';

export interface AccessRecordDoc {
  /** `<YYYY-MM-DD>:<seq, 9 digits>`: unique, so two appenders can never take the same place. */
  _id: string;
  day: string;
  seq: number;
  /** ISO 8601 instant of the view. */
  at: string;
  actor: { sub: string; role: string; department?: string };
  /** What was viewed: officer_case, supervisor_case, audit_trail, audit_csv, notices, … (README). */
  view: string;
  /** The case viewed; for a list, every case shown on the page; empty when none is known. */
  caseIds: string[];
  /** The admission round viewed (`round_objections`): its objections name no case. */
  roundId?: string;
  purpose?: string;
  /** The door: the JSON API, the web pages, or the Temporal UI's codec server. */
  via?: string;
  requestId?: string;
  /** The hash of the day's previous record (64 zeros for the day's first). */
  prevHash: string;
  /** SM3 over the record's canonical form, prevHash included. */
  hash: string;
}

const accessRecordSchema = new Schema<AccessRecordDoc>(
  {
    _id: { type: String, required: true },
    day: { type: String, required: true },
    seq: { type: Number, required: true },
    at: { type: String, required: true },
    actor: { type: Schema.Types.Mixed, required: true },
    view: { type: String, required: true },
    caseIds: { type: [String], default: [] },
    roundId: { type: String },
    purpose: { type: String },
    via: { type: String },
    requestId: { type: String },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { collection: 'access_records', versionKey: false },
);
accessRecordSchema.index({ day: 1, seq: -1 });
accessRecordSchema.index({ caseIds: 1, _id: -1 });
accessRecordSchema.index({ 'actor.sub': 1, _id: -1 });

export function accessRecordModel(conn: Connection): Model<AccessRecordDoc> {
  return (
    (conn.models.AccessRecord as Model<AccessRecordDoc> | undefined) ??
    conn.model<AccessRecordDoc>('AccessRecord', accessRecordSchema)
  );
}
