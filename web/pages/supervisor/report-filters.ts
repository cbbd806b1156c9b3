/**
 * The filters the supervisor's lists and figures share (route, district or town, department),
 * read from the URL once: a value the form does not offer is refused at its field, never read as
 * "all" (a mistyped or outdated bookmark would otherwise give city-wide figures that look like a
 * district's). And the filters in words, for a file sent upward to say what it holds.
 */
import type { Request } from 'express';
import type { Area } from '../../../domain/capacity';
import { DEPARTMENTS, DISTRICTS, ROUTES, TOWNS, type Department, type Route } from '../../../domain/vocabulary';
import { label } from '../../../i18n/labels';
import { tr } from '../page';

export const AREAS: readonly Area[] = [...DISTRICTS, ...TOWNS];

export interface ReportFilters {
  route?: Route;
  area?: Area;
  department?: Department;
}

export const REPORT_FILTER_FIELDS = ['route', 'area', 'department'] as const;
export type ReportFilterField = (typeof REPORT_FILTER_FIELDS)[number];

const ALLOWED: Record<ReportFilterField, readonly string[]> = { route: ROUTES, area: AREAS, department: DEPARTMENTS };

/** Absent or empty (the page's default), or one of `allowed`: anything else is a value the page does not offer. */
export const offered = (allowed: readonly string[], v: unknown): boolean =>
  v === undefined || v === '' || (typeof v === 'string' && allowed.includes(v));

/** The stale list's age as typed: a whole number of days from 1 to 365 (030 and 30.0 are 30), or undefined. */
export function ageInDays(typed: string): number | undefined {
  const days = Number(typed);
  return typed !== '' && Number.isInteger(days) && days >= 1 && days <= 365 ? days : undefined;
}

/** The filters of `query`, and those whose value is not one the form offers (empty means all). */
export function readReportFilters(query: Request['query']): { filters: ReportFilters; refused: ReportFilterField[] } {
  const filters: Record<string, string> = {};
  const refused: ReportFilterField[] = [];
  for (const field of REPORT_FILTER_FIELDS) {
    const v = query[field];
    if (v === undefined || v === '') continue;
    if (offered(ALLOWED[field], v)) filters[field] = v as string;
    else refused.push(field);
  }
  return { filters: filters as ReportFilters, refused };
}

/** The refused filters as the pages' field errors (the summary links to each select), in the form's `order`. */
export const refusedFilterErrors = (
  req: Request,
  refused: ReportFilterField[],
  order: readonly ReportFilterField[] = REPORT_FILTER_FIELDS,
) => [...refused].sort((a, b) => order.indexOf(a) - order.indexOf(b)).map((field) => ({ field, text: tr(req, 'supErrFilter') }));

/** What the filters hold, in words: 全市 · 全部落户途径 · 全部部门, or 碑林区 · 市房管局. */
export function scopeText(req: Request, f: ReportFilters): string {
  const locale = req.locale;
  return [
    f.area ? label('area', f.area, locale) : tr(req, 'supScopeCity'),
    f.route ? label('route', f.route, locale) : tr(req, 'supScopeAllRoutes'),
    f.department ? label('department', f.department, locale) : tr(req, 'supScopeAllDepartments'),
  ].join(locale === 'zh-CN' ? '，' : '; ');
}

/** The filters in a file's name: `-beilin-housing`, or nothing for the whole city. */
export const scopeSlug = (f: ReportFilters): string =>
  [f.area, f.route, f.department]
    .filter(Boolean)
    .map((v) => `-${v}`)
    .join('');

/** Each refused filter's message under its select (`routeError`, `areaError`, `departmentError`). */
export const fieldErrorsOf = (errors: Array<{ field: string; text: string }>): Record<string, string> =>
  Object.fromEntries(errors.map((e) => [`${e.field}Error`, e.text]));

/** A CSV's refusal of filters the form does not offer, named (400, plain text: a download has no page). */
export const refusedFiltersText = (req: Request, refused: ReportFilterField[]): string =>
  tr(req, 'dashErrFilterCsv', { fields: refused.join(', ') });
