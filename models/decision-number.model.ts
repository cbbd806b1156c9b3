/**
 * Document numbers (文号) of decision letters: one per case and letter kind, unique per issuing
 * department and year (行政许可法 第三十八条 letters; domain/authorities.ts).
 *
 * `_id` is `<caseId>:<kind>`, so the first insert for a case and kind wins and every retry reads
 * that same number back. The number itself comes from the department's yearly sequence in the
 * counters collection (claimNextInSequence: a unique insert per number, since FerretDB v1's
 * updates are not atomic); the unique index on `documentNumber` is a last guard against two
 * cases sharing one. A number claimed by an attempt that then lost the race for the case's `_id`
 * stays unused: the sequence tolerates gaps, never repeats.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { LETTER_KINDS, type LetterKind } from '../domain/authorities';
import { DEPARTMENTS, type Department } from '../domain/vocabulary';

export interface DecisionNumberDoc {
  /** `<caseId>:<kind>`. */
  _id: string;
  caseId: string;
  kind: LetterKind;
  department: Department;
  /** Calendar year in Asia/Shanghai of the decision. */
  year: string;
  seq: number;
  documentNumber: string;
  /** The authorities version whose prefix the number carries. */
  authoritiesVersion: string;
  /** The decision instant (ISO) the number was asked for. */
  decidedAt: string;
  issuedAt: Date;
}

const decisionNumberSchema = new Schema<DecisionNumberDoc>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    kind: { type: String, required: true, enum: [...LETTER_KINDS] },
    department: { type: String, required: true, enum: [...DEPARTMENTS] },
    year: { type: String, required: true },
    seq: { type: Number, required: true },
    documentNumber: { type: String, required: true },
    authoritiesVersion: { type: String, required: true },
    decidedAt: { type: String, required: true },
    issuedAt: { type: Date, required: true },
  },
  { collection: 'decision_numbers', versionKey: false },
);
decisionNumberSchema.index({ documentNumber: 1 }, { unique: true });

/** The sequence a department's numbers of one year are drawn from (counters collection). */
export const decisionNumberSequence = (department: Department, year: string): string => `decision-number:${department}:${year}`;

export function decisionNumberModel(conn: Connection): Model<DecisionNumberDoc> {
  return (
    (conn.models.DecisionNumber as Model<DecisionNumberDoc> | undefined) ??
    conn.model<DecisionNumberDoc>('DecisionNumber', decisionNumberSchema)
  );
}
