/**
 * The dashboard's figures (issue 11) shaped once for the three forms they take: a chart, an
 * accessible table with a caption, and a CSV — all from the same rows, so they cannot disagree.
 */
import type { Dashboard } from '../../../app/queries/dashboard';
import type { PoolKind } from '../../../app/queries/capacity-use';
import type { Locale } from '../../../domain/vocabulary';
import { formatIsoDay } from '../../../i18n/formats';
import { label } from '../../../i18n/labels';
import { message, type MessageKey } from '../../../i18n/messages';
import type { ChartSpec } from '../../charts';

export const FIGURES = ['daily', 'weekly', 'areas', 'sla', 'decision-times', 'backlog', 'pools', 'supplements'] as const;
export type FigureId = (typeof FIGURES)[number];

export interface Figure {
  id: FigureId;
  title: string;
  chart: ChartSpec;
  /** Column headings (the first is the row's name) and rows of cells, as shown. */
  head: string[];
  rows: Array<Array<string | number>>;
  /** The CSV's header codes and rows (defaults to the table's). */
  csv: { header: string[]; rows: Array<Array<string | number>> };
  note?: string;
  /** A figure of the present, read when the page is (the backlog, the places in use): no period applies. */
  live?: true;
  /**
   * The department filter applies (officers' decisions, supplements, what is overdue): other
   * figures count cases, whichever department, and do not say a department was chosen.
   */
  byDepartment?: true;
}

const hours = (ms: number | null): number | null => (ms === null ? null : Math.round(ms / 360_000) / 10);
/**
 * Hours as the table shows them: a time that rounds to 0.0 (under three minutes) is "<0.1", not 0.
 * The facts keep times in tenths of an hour, so a decision taken within minutes is recorded as 0:
 * among decisions that were taken (`decisions` > 0), that is "<0.1" too.
 */
const hoursCell = (ms: number | null, decisions: number): string | number | null =>
  ms !== null && ms < 180_000 && (ms > 0 || decisions > 0) ? '<0.1' : hours(ms);
/** The CSV keeps two decimals: a spreadsheet may add them up. */
const hoursCsv = (ms: number | null): number | '' => (ms === null ? '' : Math.round(ms / 36_000) / 100);
const POOL_KIND_KEYS: Record<PoolKind, MessageKey> = {
  round_quota: 'dashPoolKindRoundQuota',
  quota: 'dashPoolKindQuota',
  collective: 'dashPoolKindCollective',
  kindergarten: 'dashPoolKindKindergarten',
  primary: 'dashPoolKindPrimary',
  junior_secondary: 'dashPoolKindJunior',
};
const ENDINGS = ['opened', 'settled', 'rejected', 'withdrawn', 'terminated'] as const;
const AREA_COUNTS = [
  ...ENDINGS,
  'openedPersons',
  'settledPersons',
  'decidedWithinDeadline',
  'decidedLate',
  'openNow',
  'overdueNow',
  'childrenWaitingNow',
] as const;
/** The districts' table: each count of cases received or settled is followed by its persons (件, then 人). */
const AREA_ENDINGS = ['opened', 'openedPersons', 'settled', 'settledPersons', 'rejected', 'withdrawn', 'terminated'] as const;
const AREA_ENDING_KEYS: Record<(typeof AREA_ENDINGS)[number], MessageKey> = {
  opened: 'dashOpened',
  openedPersons: 'dashOpenedPersons',
  settled: 'dashSettled',
  settledPersons: 'dashSettledPersons',
  rejected: 'dashRejected',
  withdrawn: 'dashWithdrawn',
  terminated: 'dashTerminated',
};
const ENDING_KEYS: Record<(typeof ENDINGS)[number], MessageKey> = {
  opened: 'dashOpened',
  settled: 'dashSettled',
  rejected: 'dashRejected',
  withdrawn: 'dashWithdrawn',
  terminated: 'dashTerminated',
};

/** A day on the chart's axis, where the year is the period's: 11月6日 / 2026-11-06. */
function dayTick(ymd: string, locale: Locale): string {
  const [, month = '', day = ''] = ymd.split('-');
  return locale === 'zh-CN' ? `${Number(month)}月${Number(day)}日` : ymd;
}

/** 2026-W45 as the locale writes an ISO week: 2026年第45周 / 2026-W45. */
function weekName(isoWeek: string, locale: Locale): string {
  const m = /^(\d{4})-W(\d{2})$/.exec(isoWeek);
  return locale === 'zh-CN' && m ? `${m[1]}年第${Number(m[2])}周` : isoWeek;
}

/**
 * The days of a week the period holds, as a row's label ends: （11月30日—12月6日） / (2026-11-30 –
 * 2026-12-06). A day of another year than the ISO week's (2026年第1周 starts on 29 December 2025)
 * is written with its year.
 */
function weekDays(week: string, from: string | undefined, to: string | undefined, locale: Locale): string {
  if (!from || !to) return '';
  const tick = (day: string) => (day.startsWith(week.slice(0, 4)) ? dayTick(day, locale) : formatIsoDay(day, locale));
  const span = from === to ? tick(from) : `${tick(from)}${locale === 'zh-CN' ? '—' : ' – '}${tick(to)}`;
  return locale === 'zh-CN' ? `（${span}）` : ` (${span})`;
}

/** Every figure of the dashboard in `locale`, in page order. */
export function dashboardFigureList(d: Dashboard, locale: Locale): Figure[] {
  const t = (key: MessageKey) => message(locale, key);
  const dept = (code: string) => label('department', code, locale);
  const none = t('dashNoData');
  const show = (v: string | number | null) => (v === null ? none : v);
  type CountRow = { key: string; from?: string; to?: string } & Record<(typeof ENDINGS)[number], number>;
  const counts = (id: 'daily' | 'weekly', rows: CountRow[]): Figure => {
    const head = [t(id === 'daily' ? 'dashDay' : 'dashWeek'), ...ENDINGS.map((k) => t(ENDING_KEYS[k]))];
    // The page (and its table CSV) names a day or week as the locale writes it, a week with the
    // days of it the period holds (a week cut by the period's ends shows fewer); the CSV for a
    // program keeps the ISO key and the days.
    const named = (r: CountRow) =>
      id === 'daily' ? formatIsoDay(r.key, locale) : `${weekName(r.key, locale)}${weekDays(r.key, r.from, r.to, locale)}`;
    return {
      id,
      title: t(id === 'daily' ? 'dashDaily' : 'dashWeekly'),
      chart: {
        kind: id === 'daily' ? 'line' : 'bar',
        categories: rows.map((r) => (id === 'daily' ? dayTick(r.key, locale) : weekName(r.key, locale))),
        series: ENDINGS.map((k) => ({ name: t(ENDING_KEYS[k]), values: rows.map((r) => r[k]) })),
      },
      head,
      rows: rows.map((r) => [named(r), ...ENDINGS.map((k) => r[k])]),
      csv:
        id === 'daily'
          ? { header: ['day', ...ENDINGS], rows: rows.map((r) => [r.key, ...ENDINGS.map((k) => r[k])]) }
          : {
              header: ['iso_week', 'from', 'to', ...ENDINGS],
              rows: rows.map((r) => [r.key, r.from ?? '', r.to ?? '', ...ENDINGS.map((k) => r[k])]),
            },
    };
  };

  const sla: Figure = {
    id: 'sla',
    title: t('dashSla'),
    chart: {
      kind: 'bar',
      stacked: true,
      categories: d.sla.map((r) => dept(r.department)),
      series: [
        { name: t('dashWithin'), values: d.sla.map((r) => r.withinDeadline) },
        { name: t('dashLate'), values: d.sla.map((r) => r.late) },
        { name: t('dashOverdueNow'), values: d.sla.map((r) => r.overdueNow) },
      ],
    },
    head: [t('dashDepartment'), t('dashWithin'), t('dashLate'), t('dashOverdueNow'), t('dashCompliance')],
    rows: d.sla.map((r) => [
      dept(r.department),
      r.withinDeadline,
      r.late,
      r.overdueNow,
      r.compliancePct === null ? none : `${r.compliancePct}%`,
    ]),
    csv: {
      header: ['department', 'decided_within_deadline', 'decided_late', 'overdue_now', 'compliance_pct'],
      rows: d.sla.map((r) => [r.department, r.withinDeadline, r.late, r.overdueNow, r.compliancePct ?? '']),
    },
    byDepartment: true,
  };

  const times: Figure = {
    id: 'decision-times',
    title: t('dashDecisionTimes'),
    chart: {
      kind: 'bar',
      categories: d.decisionTimes.map((r) => dept(r.department)),
      series: [
        { name: t('dashMedian'), values: d.decisionTimes.map((r) => hours(r.medianMs)) },
        { name: t('dashP90'), values: d.decisionTimes.map((r) => hours(r.p90Ms)) },
      ],
    },
    head: [t('dashDepartment'), t('dashDecisions'), t('dashMedian'), t('dashP90')],
    rows: d.decisionTimes.map((r) => [
      dept(r.department),
      r.decisions,
      show(hoursCell(r.medianMs, r.decisions)),
      show(hoursCell(r.p90Ms, r.decisions)),
    ]),
    csv: {
      header: ['department', 'decisions', 'median_hours', 'p90_hours'],
      rows: d.decisionTimes.map((r) => [r.department, r.decisions, hoursCsv(r.medianMs), hoursCsv(r.p90Ms)]),
    },
    note: t('dashTimeInStatusNote'),
    byDepartment: true,
  };

  // Per area, with a total row: the table a supervisor pastes into a report upward.
  const areaTotal = d.areas.reduce(
    (t, r) => {
      for (const k of AREA_COUNTS) t[k] += r[k];
      return t;
    },
    Object.fromEntries(AREA_COUNTS.map((k) => [k, 0])) as Record<(typeof AREA_COUNTS)[number], number>,
  );
  const inTime = (w: number, l: number) => (w + l === 0 ? none : `${Math.round((1000 * w) / (w + l)) / 10}%`);
  const byArea: Figure = {
    id: 'areas',
    title: t('dashAreas'),
    chart: {
      kind: 'bar',
      horizontal: true,
      categories: d.areas.map((r) => label('area', r.area, locale)),
      series: [
        { name: t('dashOpened'), values: d.areas.map((r) => r.opened) },
        { name: t('dashSettled'), values: d.areas.map((r) => r.settled) },
      ],
    },
    head: [
      t('dashArea'),
      ...AREA_ENDINGS.map((k) => t(AREA_ENDING_KEYS[k])),
      t('dashWithin'),
      t('dashLate'),
      t('dashCompliance'),
      t('dashOpenNow'),
      t('dashOverdueNow'),
      t('dashChildrenWaiting'),
    ],
    rows: [
      ...d.areas.map((r) => [
        label('area', r.area, locale),
        ...AREA_ENDINGS.map((k) => r[k]),
        r.decidedWithinDeadline,
        r.decidedLate,
        inTime(r.decidedWithinDeadline, r.decidedLate),
        r.openNow,
        r.overdueNow,
        r.childrenWaitingNow,
      ]),
      ...(d.areas.length > 1
        ? [
            [
              t('dashTotal'),
              ...AREA_ENDINGS.map((k) => areaTotal[k]),
              areaTotal.decidedWithinDeadline,
              areaTotal.decidedLate,
              inTime(areaTotal.decidedWithinDeadline, areaTotal.decidedLate),
              areaTotal.openNow,
              areaTotal.overdueNow,
              areaTotal.childrenWaitingNow,
            ],
          ]
        : []),
    ],
    csv: {
      header: [
        'area',
        'route',
        ...ENDINGS,
        'opened_persons',
        'settled_persons',
        'decided_within_deadline',
        'decided_late',
        'open_now',
        'overdue_now',
        'children_waiting_now',
      ],
      rows: d.areas.map((r) => [
        r.area,
        r.route,
        ...ENDINGS.map((k) => r[k]),
        r.openedPersons,
        r.settledPersons,
        r.decidedWithinDeadline,
        r.decidedLate,
        r.openNow,
        r.overdueNow,
        r.childrenWaitingNow,
      ]),
    },
    note: t('dashAreasNote'),
    byDepartment: true,
  };

  const routes = [...new Set(d.backlog.map((r) => r.route))].sort();
  const areas = [...new Set(d.backlog.map((r) => r.area))];
  const backlog: Figure = {
    id: 'backlog',
    title: t('dashBacklog'),
    chart: {
      kind: 'bar',
      horizontal: true,
      stacked: true,
      categories: areas.map((a) => label('area', a, locale)),
      series: routes.map((route) => ({
        name: label('route', route, locale),
        values: areas.map((a) => d.backlog.find((r) => r.area === a && r.route === route)?.open ?? 0),
      })),
    },
    head: [t('dashArea'), t('dashRoute'), t('dashOpen')],
    rows: d.backlog.map((r) => [label('area', r.area, locale), label('route', r.route, locale), r.open]),
    csv: { header: ['area', 'route', 'open'], rows: d.backlog.map((r) => [r.area, r.route, r.open]) },
    live: true,
    note: t('dashBacklogNote'),
  };

  const kinds = [...new Set(d.pools.map((p) => p.kind))];
  const byKind = kinds.map((kind) => {
    const ps = d.pools.filter((p) => p.kind === kind);
    return { kind, limit: ps.reduce((a, p) => a + p.limit, 0), held: ps.reduce((a, p) => a + p.held, 0) };
  });
  const pools: Figure = {
    id: 'pools',
    title: t('dashPools'),
    chart: {
      kind: 'bar',
      horizontal: true,
      categories: byKind.map((k) => t(POOL_KIND_KEYS[k.kind])),
      series: [
        { name: t('dashLimit'), values: byKind.map((k) => k.limit) },
        { name: t('dashHeld'), values: byKind.map((k) => k.held) },
      ],
    },
    head: [t('dashPoolKind'), t('dashLimit'), t('dashHeld')],
    rows: byKind.map((k) => [t(POOL_KIND_KEYS[k.kind]), k.limit, k.held]),
    csv: {
      header: ['pool', 'kind', 'area', 'limit', 'held'],
      rows: d.pools.map((p) => [p.pool, p.kind, p.area, p.limit, p.held]),
    },
    note: t('dashPoolsCsvNote'),
    live: true,
  };

  const outcomes = ['answered', 'lapsed', 'closed', 'open'] as const;
  const outcomeKeys: Record<(typeof outcomes)[number], MessageKey> = {
    answered: 'dashAnswered',
    lapsed: 'dashLapsed',
    closed: 'dashClosed',
    open: 'dashStillOpen',
  };
  const supplements: Figure = {
    id: 'supplements',
    title: t('dashSupplements'),
    chart: {
      kind: 'bar',
      stacked: true,
      categories: d.supplements.map((r) => dept(r.department)),
      series: outcomes.map((o) => ({ name: t(outcomeKeys[o]), values: d.supplements.map((r) => r[o]) })),
    },
    head: [t('dashDepartment'), ...outcomes.map((o) => t(outcomeKeys[o]))],
    rows: d.supplements.map((r) => [dept(r.department), ...outcomes.map((o) => r[o])]),
    csv: { header: ['department', ...outcomes], rows: d.supplements.map((r) => [r.department, ...outcomes.map((o) => r[o])]) },
    byDepartment: true,
  };

  return [
    counts(
      'daily',
      d.days.map((r) => ({ ...r, key: r.day })),
    ),
    counts(
      'weekly',
      d.weeks.map((r) => ({ ...r, key: r.week })),
    ),
    byArea,
    sla,
    times,
    backlog,
    pools,
    supplements,
  ];
}
