/** A code's words on the applicant's pages. */
import type { Request } from 'express';
import { label, type LabelTable } from '../../../i18n/labels';

/** A code's words, or the code itself when the table has none (a code added later must not break the page). */
export function words(req: Request, table: LabelTable, code: string | undefined): string {
  if (!code) return '';
  try {
    return label(table, code, req.locale);
  } catch {
    return code;
  }
}
