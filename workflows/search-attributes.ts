/**
 * Custom search attributes: what supervisors filter stuck cases on. Never personal data —
 * search attributes are stored and indexed in clear text.
 *
 * The dev server's SQLite visibility store allows per namespace at most Keyword 10, Text 3,
 * Int 3, Double 3, Bool 3, Datetime 3, KeywordList 3 (shared/FACTS.md); stay inside that.
 * scripts/lib/temporal-server.ts registers exactly this list with `--search-attribute`.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CaseStatusKey = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const CaseRouteKey = defineSearchAttributeKey('CaseRoute', SearchAttributeType.KEYWORD);
/** District (points route) or town (town route): coarse, not an address. */
export const CaseAreaKey = defineSearchAttributeKey('CaseArea', SearchAttributeType.KEYWORD);
export const PendingDepartmentsKey = defineSearchAttributeKey('PendingDepartments', SearchAttributeType.KEYWORD_LIST);
export const OverdueDepartmentsKey = defineSearchAttributeKey('OverdueDepartments', SearchAttributeType.KEYWORD_LIST);
/** Departments whose automated system check keeps failing (retrying). */
export const FailingChecksKey = defineSearchAttributeKey('FailingChecks', SearchAttributeType.KEYWORD_LIST);
export const OverdueKey = defineSearchAttributeKey('Overdue', SearchAttributeType.BOOL);
export const LastProgressAtKey = defineSearchAttributeKey('LastProgressAt', SearchAttributeType.DATETIME);
export const SupplementDueAtKey = defineSearchAttributeKey('SupplementDueAt', SearchAttributeType.DATETIME);

export const CASE_SEARCH_ATTRIBUTES = [
  CaseStatusKey,
  CaseRouteKey,
  CaseAreaKey,
  PendingDepartmentsKey,
  OverdueDepartmentsKey,
  FailingChecksKey,
  OverdueKey,
  LastProgressAtKey,
  SupplementDueAtKey,
] as const;

const CLI_TYPE_NAMES: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** `NAME=Type` pairs for `temporal server start-dev --search-attribute`. */
export function searchAttributeCliArgs(): string[] {
  return CASE_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${CLI_TYPE_NAMES[k.type]}`]);
}
