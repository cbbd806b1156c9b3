/**
 * A department lookup's answer for one person in the officer's words (the case page's 核查明细):
 * each field by its name, yes/no, years, and codes as the applicant's score breakdown words them.
 * A field or code this page does not know (a newer adapter) is shown as the system sent it.
 */
import type { Request } from 'express';
import type { CheckResult } from '../../../domain/department-checks';
import { isAreaCode } from '../../../domain/vocabulary';
import { label } from '../../../i18n/labels';
import { isMessageKey } from '../../../i18n/messages';
import { tr } from '../page';

/** The message key that words a coded value, as the score breakdown names them (apValue_*). */
const CODED: Record<string, (v: string) => string> = {
  residence: (v) => `apValue_${v}`,
  educationLevel: (v) => `apValue_${v}`,
  professionalTitle: (v) => (v === 'none' ? 'apValue_none' : `apValue_professional_title_${v}`),
  vocationalSkill: (v) => (v === 'none' ? 'apValue_none' : `apValue_vocational_skill_${v}`),
};

function valueText(req: Request, field: string, v: unknown): string {
  if (typeof v === 'boolean') return tr(req, v ? 'apYes' : 'apNo');
  if (typeof v === 'number' && field.endsWith('Years')) return tr(req, 'apScoreYears', { n: v });
  if (typeof v === 'string' && field === 'addressArea' && isAreaCode(v)) return label('area', v, req.locale);
  if (typeof v === 'string' && CODED[field]) {
    const key = CODED[field](v);
    if (isMessageKey(key)) return tr(req, key);
  }
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** One line per field of the answer (its department, which the page names already, left out). */
export function checkResultLines(req: Request, result: CheckResult | Record<string, unknown> | null): string[] {
  if (!result) return [];
  return Object.entries(result)
    .filter(([field]) => field !== 'department')
    .map(([field, v]) => {
      const key = `officerField_${field}`;
      const name = isMessageKey(key) ? tr(req, key) : field;
      return `${name}${tr(req, 'pColon')}${valueText(req, field, v)}`;
    });
}
