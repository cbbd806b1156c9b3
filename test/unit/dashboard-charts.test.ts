/** The dashboard's figures as chart, table and CSV (issue 11): one set of rows, three forms. */
import assert from 'node:assert/strict';
import { message } from '../../i18n/messages';
import { describe, it } from 'node:test';
import { syntheticCaseState } from '../../bench/lib/dashboard-seed';
import type { Dashboard } from '../../app/queries/dashboard';
import { caseFacts } from '../../domain/case-facts';
import { areaFigures, countFacts, dashboardFigures, reportedAreas } from '../../domain/dashboard-figures';
import { DISTRICTS, TOWNS } from '../../domain/vocabulary';
import { chartSvg, svgDataUri } from '../../web/charts';
import { dashboardFigureList, FIGURES } from '../../web/pages/supervisor/dashboard-figures';

const NOW = Date.parse('2026-12-01T08:00:00Z');
const period = { from: '2026-11-02', to: '2026-12-01' };

function sample(): Dashboard {
  const states = Array.from({ length: 40 }, (_, n) => syntheticCaseState(n, NOW - (n % 20) * 86_400_000 - 12 * 3_600_000, NOW));
  const open = [{ route: 'points', area: 'yanta', overdueDepartments: ['police'] }];
  const facts = states.flatMap(caseFacts);
  return {
    ...dashboardFigures(countFacts(facts), open, period),
    areas: areaFigures(facts, open, period, reportedAreas({})),
    period,
    filters: {},
    pools: [{ pool: 'quota:yanta', kind: 'quota', area: 'yanta', limit: 120, held: 7 }],
    asOf: new Date(NOW).toISOString(),
    countedThrough: period.to,
  };
}

describe('dashboard figures as chart, table and CSV', () => {
  it('when shaped in Chinese, then every figure exists once and its chart draws the table rows as SVG with Chinese labels', () => {
    // Act
    const figures = dashboardFigureList(sample(), 'zh-CN');
    // Assert
    assert.deepEqual(
      figures.map((f) => f.id),
      [...FIGURES],
    );
    const sla = figures.find((f) => f.id === 'sla')!;
    const svg = chartSvg(sla.chart);
    assert.ok(svg.startsWith('<svg'));
    assert.ok(svg.includes('市公安局'), 'the department names are drawn');
    assert.ok(svgDataUri(svg).startsWith('data:image/svg+xml;base64,'));
    assert.equal(sla.chart.categories.length, sla.rows.length);
  });

  it('when a figure has a CSV, then its rows hold the same numbers as the table (pools: per pool, summed per kind)', () => {
    const figures = dashboardFigureList(sample(), 'en');
    const daily = figures.find((f) => f.id === 'daily')!;
    assert.deepEqual(daily.csv.rows, daily.rows);
    // In Chinese the page names the day and week as Chinese writes them; the CSV keeps the ISO keys.
    const zh = dashboardFigureList(sample(), 'zh-CN');
    const zhDaily = zh.find((f) => f.id === 'daily')!;
    assert.deepEqual(
      zhDaily.rows.map((r) => r.slice(1)),
      daily.rows.map((r) => r.slice(1)),
    );
    assert.match(String(zhDaily.rows[0]![0]), /^\d{4}年[1-9]\d?月[1-9]\d?日$/);
    assert.match(String(zhDaily.csv.rows[0]![0]), /^\d{4}-\d{2}-\d{2}$/);
    // A week names the days of it the period holds, so one cut by the period's end shows it.
    const zhWeeks = zh.find((f) => f.id === 'weekly')!;
    assert.equal(zhWeeks.rows[0]![0], '2026年第45周（11月2日—11月8日）');
    assert.equal(zhWeeks.rows.at(-1)![0], '2026年第49周（11月30日—12月1日）');
    assert.deepEqual(zhWeeks.csv.rows.at(-1)!.slice(0, 3), ['2026-W49', '2026-11-30', '2026-12-01']);
    assert.equal(figures.find((f) => f.id === 'weekly')!.rows.at(-1)![0], '2026-W49 (2026-11-30 – 2026-12-01)');
    // A day of another year than the week's is written with its year.
    const newYear = sample();
    newYear.weeks = [
      { week: '2026-W01', from: '2025-12-29', to: '2026-01-04', opened: 0, settled: 0, rejected: 0, withdrawn: 0, terminated: 0 },
    ];
    assert.equal(
      dashboardFigureList(newYear, 'zh-CN').find((f) => f.id === 'weekly')!.rows[0]![0],
      '2026年第1周（2025年12月29日—1月4日）',
    );
    const sla = figures.find((f) => f.id === 'sla')!;
    assert.deepEqual(
      sla.csv.rows.map((r) => r.slice(1, 4)),
      sla.rows.map((r) => r.slice(1, 4)),
    );
    const pools = figures.find((f) => f.id === 'pools')!;
    assert.deepEqual(pools.rows, [['Points quota outside the rounds', 120, 7]]);
    assert.deepEqual(pools.csv.rows, [['quota:yanta', 'quota', 'yanta', 120, 7]]);
  });

  it('when cases are counted per area, then each area’s received and ended add up to the daily figure’s, and a total row closes the table', () => {
    const figures = dashboardFigureList(sample(), 'zh-CN');
    const daily = figures.find((f) => f.id === 'daily')!;
    const areas = figures.find((f) => f.id === 'areas')!;
    const sum = (rows: Array<Array<string | number>>, col: number) => rows.reduce((a, r) => a + Number(r[col]), 0);
    const body = areas.rows.slice(0, -1);
    const total = areas.rows.at(-1)!;
    assert.ok(body.length > 1, 'the sample spans several areas');
    assert.equal(total[0], '合计');
    // Columns by their headings: the cases' counts are each followed by their people.
    const col = (name: string) => areas.head.indexOf(name);
    for (const [i, name] of daily.head.slice(1).entries()) {
      assert.ok(col(name) > 0, `the areas' table has ${name}`);
      assert.equal(sum(body, col(name)), sum(daily.rows, i + 1), `column ${name}`);
      assert.equal(total[col(name)], sum(body, col(name)));
    }
    assert.deepEqual(
      [areas.head[col('受理') + 1], areas.head[col('准予落户') + 1]],
      ['受理人数', '准予落户人数'],
      'people beside the cases',
    );
    assert.equal(total[col('在办')], 1, 'open now: the one open case');
    assert.equal(total[col('当前超期')], 1, 'overdue now: the open case’s police step');
    // Every district and town has its row, in the city's order, a blank one with zeros.
    assert.deepEqual(
      areas.csv.rows.map((r) => r[0]),
      [...DISTRICTS, ...TOWNS],
    );
    assert.ok(
      body.some((r) => r.slice(1).every((v) => v === 0 || v === '无')),
      'an area without cases is a row of zeros',
    );
    assert.deepEqual(
      areas.csv.rows.map((r) => [r[0], ...r.slice(2, 7)]),
      body.map((r, i) => [areas.csv.rows[i]![0], ...daily.head.slice(1).map((name) => r[col(name)])]),
    );
  });

  it('when decisions took minutes, then the table says "<0.1" hours, not 0, and the CSV keeps two decimals', () => {
    const d = sample();
    d.decisionTimes = [{ department: 'police', decisions: 3, medianMs: 90_000, p90Ms: 4 * 60_000 }];
    const times = dashboardFigureList(d, 'zh-CN').find((f) => f.id === 'decision-times')!;
    assert.deepEqual(times.rows, [['市公安局', 3, '<0.1', 0.1]]);
    assert.deepEqual(times.csv.rows, [['police', 3, 0.03, 0.07]]);
  });

  it('when decisions were recorded as taking 0.0 hours (the facts keep tenths), then the table says "<0.1", and no decisions say none', () => {
    const d = sample();
    d.decisionTimes = [
      { department: 'police', decisions: 2, medianMs: 0, p90Ms: 0 },
      { department: 'hrss', decisions: 0, medianMs: null, p90Ms: null },
    ];
    const times = dashboardFigureList(d, 'zh-CN').find((f) => f.id === 'decision-times')!;
    assert.deepEqual(times.rows[0], ['市公安局', 2, '<0.1', '<0.1']);
    assert.equal(times.rows[1]![2], message('zh-CN', 'dashNoData'));
  });
});
