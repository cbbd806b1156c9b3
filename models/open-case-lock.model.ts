/**
 * One open case per person (§8), applicant or family member, keyed by the blind index of the
 * citizen ID number (issue 15: the number itself is never stored here): one document per person
 * and generation (`<person key>#<n>`), so that taking over the lock of an ended case is an
 * insert, which FerretDB v1 does atomically, never an update, which it does not.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { dataProtection } from './data-protection';

/** The key a person's locks are stored under: the keyed blind index of their ID number. */
export const personKey = (idNumber: string): string => dataProtection().index('id-number', idNumber);

export interface OpenCaseLockDoc {
  /** `<person>#<generation>`: the unique key that makes each takeover a single winner. */
  _id: string;
  /**
   * personKey() of one person of the application (the applicant or a family member). Locks taken
   * before issue 15 hold the clear ID number here; they are still found (open-case-locks.ts).
   */
  person: string;
  /** 0 for the person's first case, then one more for each case after an ended one. */
  generation: number;
  caseId: string;
  /** pending: the submission is still starting its workflow; started: the case runs. */
  state: 'pending' | 'started';
  lockedAt: Date;
}

const openCaseSchema = new Schema<OpenCaseLockDoc>(
  {
    _id: { type: String, required: true },
    person: { type: String, required: true },
    generation: { type: Number, required: true },
    caseId: { type: String, required: true },
    state: { type: String, required: true, enum: ['pending', 'started'] },
    lockedAt: { type: Date, required: true },
  },
  { collection: 'open_case_locks', versionKey: false },
);
openCaseSchema.index({ person: 1, generation: -1 });

export function openCaseLockModel(conn: Connection): Model<OpenCaseLockDoc> {
  return (
    (conn.models.OpenCaseLock as Model<OpenCaseLockDoc> | undefined) ??
    conn.model<OpenCaseLockDoc>('OpenCaseLock', openCaseSchema)
  );
}
