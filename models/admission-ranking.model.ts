/**
 * The published admission rounds (issue 13): one document per round, the round workflow's view
 * as it last wrote it — masked ranking, objections, the round's own audit lines. `seq` orders the
 * writes: a retried older write never replaces a newer one. The public routes strip what is not
 * public (objection texts, who lodged them); see app/queries/admission-rankings.ts.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { RoundView } from '../workflows/admission-round/messages';
import { PERSONAL_KEYS, sealedFieldsPlugin } from './sealed-fields.plugin';

export interface AdmissionRankingDoc {
  _id: string;
  seq: number;
  year: number;
  opensOn: string;
  phase: RoundView['phase'];
  view: RoundView;
  updatedAt: Date;
}

const admissionRankingSchema = new Schema<AdmissionRankingDoc>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    year: { type: Number, required: true },
    opensOn: { type: String, required: true },
    phase: { type: String, required: true },
    view: { type: Schema.Types.Mixed, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'admission_rankings', versionKey: false, minimize: false },
);
admissionRankingSchema.index({ year: 1, opensOn: 1 });

// ID numbers, names, phones and emails are sealed at rest (issue 15), and so is what people wrote
// about a ranked person: an objection's reason, its resolution's note, a round event's why.
admissionRankingSchema.plugin(sealedFieldsPlugin, { keys: [...PERSONAL_KEYS, 'reason', 'resolutionNote', 'why'] });

export function admissionRankingModel(conn: Connection): Model<AdmissionRankingDoc> {
  return (
    (conn.models.AdmissionRanking as Model<AdmissionRankingDoc> | undefined) ??
    conn.model<AdmissionRankingDoc>('AdmissionRanking', admissionRankingSchema)
  );
}
