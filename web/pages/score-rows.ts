/**
 * The points breakdown (§2) as the pages show it: the applicant's own on their case page, and HR's
 * officer beside the recommendation it rests on (partial `score-breakdown`). One wording for both.
 */
import type { Request } from 'express';
import type { ApplicantCaseView } from '../../app/views/case-views';
import { isMessageKey } from '../../i18n/messages';
import { tr } from './page';

type Score = NonNullable<ApplicantCaseView['score']>;

/**
 * A breakdown line's value in words: yes/no, years, or the policy's code (e.g.
 * `vocational_skill:level3`). The credit record's yes/no says what it means: "no bad record".
 */
function scoreValue(req: Request, v: string | number | boolean, indicator?: string): string {
  if (typeof v === 'boolean' && indicator === 'credit') return tr(req, v ? 'apCreditGood' : 'apCreditBad');
  if (typeof v === 'boolean') return tr(req, v ? 'apYes' : 'apNo');
  if (typeof v === 'number') return tr(req, 'apScoreYears', { n: v });
  const key = `apValue_${v.replace(/[^a-z0-9_]/gi, '_')}`;
  return isMessageKey(key) ? tr(req, key) : v;
}

/** The score with its lines in the reader's words, for the partial. */
export function scoreDisplay(req: Request, score: Score | undefined) {
  return (
    score && {
      ...score,
      rows: score.breakdown.map((b) => ({
        indicator: b.label[req.locale],
        value: scoreValue(req, b.value, b.indicator),
        points: b.points,
        capped: b.capped,
      })),
    }
  );
}
