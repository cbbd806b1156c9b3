/**
 * The supervisor dashboard in a real browser (issue 11): a seeded month of cases; every figure
 * has a chart (an SVG image drawn on the server) and a table, and the tables hold the counts of
 * the seed; a CSV per figure; a period that cannot be is refused by its field. axe on every
 * page; screenshots in both languages at a desk viewport (README).
 */
import assert from 'node:assert/strict';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { CaseState } from '../../domain/case-state';
import { axeCheck, launchBrowser, newPage, screenshot } from '../support/browser';
import { defaultPeriod, expectedDays, expectedPolice, expectedSupplements, seedMonth } from '../support/dashboard';
import { DEMO_PASSWORDS, signIn, startWebStack, type WebStack } from '../support/web-stack';

const DESK = { width: 1280, height: 900 };
const FIGURES = ['daily', 'weekly', 'sla', 'decision-times', 'backlog', 'pools', 'supplements'];

describe('web pages: the supervisor dashboard in a real browser', () => {
  let web: WebStack;
  let browser: Browser;
  let seeded: CaseState[];

  before(async () => {
    web = await startWebStack('web_supervisor_dashboard');
    seeded = await seedMonth(web.stack.mongo, 300);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await web?.close();
  });

  it('when a month of cases is seeded, then every figure has a chart and a table of the seeded counts, and a CSV', async () => {
    // Arrange
    const page = await newPage(browser, { locale: 'zh-CN', viewport: DESK });
    await signIn(page, web, 'supervisor', DEMO_PASSWORDS.supervisor, '/supervisor/dashboard');
    try {
      // Act
      await page.goto(`${web.baseUrl}/supervisor/dashboard`);
      // Assert: a chart per figure, drawn (an SVG image with a size) and described
      for (const id of FIGURES) {
        const img = page.locator(`#figure-${id} img.dash-chart`);
        assert.match((await img.getAttribute('src')) ?? '', /^data:image\/svg\+xml;base64,/);
        assert.ok(((await img.getAttribute('alt')) ?? '').length > 0);
        assert.ok(
          await img.evaluate((el) => (el as unknown as { complete: boolean; naturalWidth: number }).naturalWidth > 0),
          `chart ${id} drawn`,
        );
        await page.locator(`table[data-figure="${id}"] caption`).waitFor();
      }
      // The daily table holds the seed's counts, day by day.
      const cells = async (id: string) =>
        page
          .locator(`table[data-figure="${id}"] tbody tr`)
          .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? '')));
      const period = defaultPeriod();
      const want = expectedDays(seeded, period).map((d) =>
        [d.day, d.opened, d.settled, d.rejected, d.withdrawn, d.terminated].map(String),
      );
      // On the page, a day as Chinese writes it (2026年11月6日); the CSV for a program keeps 2026-11-06.
      const zhDay = (ymd: string) => {
        const [y, m, d] = ymd.split('-').map(Number);
        return `${y}年${m}月${d}日`;
      };
      assert.deepEqual(
        await cells('daily'),
        want.map(([day, ...n]) => [zhDay(day!), ...n]),
      );
      // The date fields show the default period counted, not blanks.
      assert.deepEqual(
        [await page.locator('#from').inputValue(), await page.locator('#to').inputValue()],
        [period.from, period.to],
      );
      const police = expectedPolice(seeded);
      assert.deepEqual((await cells('sla'))[0]!.slice(0, 4), [
        '市公安局',
        ...[police.within, police.late, police.overdueNow].map(String),
      ]);
      const sup = expectedSupplements(seeded);
      const housing = (await cells('supplements')).find((r) => r[0] === '市房管局')!;
      assert.deepEqual(housing.slice(1, 3), [String(sup.answered), String(sup.lapsed)]);
      const backlog = (await cells('backlog')).reduce((a, r) => a + Number(r[2]), 0);
      assert.equal(backlog, seeded.filter((s) => !s.outcome).length);
      // A number's column heading is aligned as its numbers are; the filters' fields sit on one line.
      // Runs in the page (no DOM types here).
      const textAlignOf = (el: unknown) =>
        (globalThis as unknown as { getComputedStyle(e: unknown): { textAlign: string } }).getComputedStyle(el).textAlign;
      const firstNumber = 'table[data-figure="daily"] tbody tr:first-child td:nth-child(2)';
      const numberHead = 'table[data-figure="daily"] thead th:nth-child(2)';
      assert.equal(await page.locator(numberHead).evaluate(textAlignOf), await page.locator(firstNumber).evaluate(textAlignOf));
      const tops = await Promise.all(['#from', '#to', '#route'].map(async (id) => (await page.locator(id).boundingBox())?.y));
      assert.ok(new Set(tops).size === 1, `the filters' fields at different heights: ${tops.join(', ')}`);
      await axeCheck(page);
      await screenshot(page, 'web-supervisor-dashboard-zh-CN');

      // The CSV of a figure: the same rows, with the filters of the page.
      const csv = await page.request.get(
        `${web.baseUrl}/supervisor/dashboard.csv?figure=daily&from=${period.from}&to=${period.to}`,
      );
      assert.equal(csv.status(), 200);
      assert.match(csv.headers()['content-type'] ?? '', /^text\/csv/);
      const lines = (await csv.text())
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      // Each row ends with the period it counts, the filters (none: the whole city) and when it was
      // read, so a renamed file still says which days and which part of the city it holds.
      assert.equal(
        lines[0],
        '"day","opened","settled","rejected","withdrawn","terminated","period_from","period_to","counted_through","filter_route","filter_area","filter_department","as_of"',
      );
      const asOf = /^"(\d{4}-\d{2}-\d{2}T[\d:.]+Z)"$/.exec(lines[1]!.split(',').at(-1)!)?.[1];
      assert.ok(asOf, lines[1]);
      assert.deepEqual(
        lines.slice(1),
        want.map((r) => [...r, period.from, period.to, period.to, '', '', '', asOf].map((c) => `"${c}"`).join(',')),
      );
      // The table as the page shows it, for a report: the page's headings and cells, in Chinese.
      const tableLink = page.getByRole('link', { name: /^下载表格 CSV（同上表，可用于报告）：每日/ });
      const table = await page.request.get(new URL((await tableLink.getAttribute('href'))!, web.baseUrl).toString());
      assert.equal(table.status(), 200);
      assert.match(table.headers()['content-disposition'] ?? '', /-table-zh-CN\.csv"$/);
      const shown = await page
        .locator('table[data-figure="daily"] tr')
        .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? '')));
      // Each row ends with the period (today in it: counted up to the minute it was read), the
      // filters in words and the time it was read.
      const tableLines = (await table.text())
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      const readAt = /"(\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2})"$/.exec(tableLines[1]!)?.[1];
      assert.ok(readAt, tableLines[1]);
      assert.deepEqual(
        tableLines,
        shown.map((r, i) =>
          [
            ...r,
            ...(i === 0
              ? ['统计期', '统计范围', '数据读取时间（北京时间）']
              : [
                  `统计期${zhDay(period.from)}至${zhDay(period.to)}（尚未结束，数据统计至${readAt}）`,
                  '全市，全部落户途径，全部部门',
                  readAt,
                ]),
          ]
            .map((c) => `"${c}"`)
            .join(','),
        ),
      );
      assert.ok(shown[0]!.includes('准予落户'), shown[0]!.join());
      // A period still running says how far it is counted, on the page and in each CSV row.
      const today = shanghaiToday();
      const later = new Date(Date.parse(`${today}T00:00:00Z`) + 3 * 86_400_000).toISOString().slice(0, 10);
      await page.goto(`${web.baseUrl}/supervisor/dashboard?from=${period.from}&to=${later}`);
      await page
        .getByText(
          new RegExp(`^统计期${zhDay(period.from)}至${zhDay(later)}（尚未结束，数据统计至${zhDay(today)} \\d{2}:\\d{2}）`),
        )
        .waitFor();
      const running = await page.request.get(
        `${web.baseUrl}/supervisor/dashboard.csv?figure=daily&from=${period.from}&to=${later}`,
      );
      assert.match(
        (await running.text()).split('\r\n')[1] ?? '',
        new RegExp(`"${period.from}","${later}","${today}","","","","[^"]+"$`),
      );
      // A figure of the present (the backlog) is not labelled with the period: what stood when it was read.
      const backlogCsv = await page.request.get(
        `${web.baseUrl}/supervisor/dashboard.csv?figure=backlog&from=2026-11-01&to=2026-11-30&area=yanta&as=table`,
      );
      assert.match(
        backlogCsv.headers()['content-disposition'] ?? '',
        new RegExp(`dashboard-backlog-${today}-yanta-table-zh-CN\\.csv"$`),
        'named for the day it was read, not the period',
      );
      const backlogRow = (await backlogCsv.text()).split('\r\n')[1] ?? '';
      assert.match(
        backlogRow,
        /"不分统计期：读取时的实时数据","雁塔区，全部落户途径，全部部门","\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}"$/,
        backlogRow,
      );
      assert.doesNotMatch(backlogRow, /2026年11月/);
      // The department filter is said only where it applies: the officers' figures, not the cases'.
      const slaCsv = await page.request.get(`${web.baseUrl}/supervisor/dashboard.csv?figure=sla&department=police&as=table`);
      assert.match(slaCsv.headers()['content-disposition'] ?? '', /-police-table-zh-CN\.csv"$/);
      assert.match((await slaCsv.text()).split('\r\n')[1] ?? '', /"全市，全部落户途径，市公安局","[^"]+"$/);
      const dailyCsv = await page.request.get(`${web.baseUrl}/supervisor/dashboard.csv?figure=daily&department=police`);
      assert.doesNotMatch(dailyCsv.headers()['content-disposition'] ?? '', /police/);
      assert.match((await dailyCsv.text()).split('\r\n')[1] ?? '', /,"","","","[^"]+"$/, 'no department: the cases of every one');
      // A filter value the form does not offer is refused at its field, never read as the whole city.
      const foo = await page.goto(`${web.baseUrl}/supervisor/dashboard?area=foo&department=POLICE`);
      assert.equal(foo?.status(), 400);
      await page.locator('#area-error').waitFor();
      await page.locator('#department-error').waitFor();
      assert.equal(await page.locator('table[data-figure]').count(), 0, 'no figures for filters that are not');
      await axeCheck(page);
      const fooCsv = await page.request.get(`${web.baseUrl}/supervisor/dashboard.csv?figure=daily&area=foo`);
      assert.equal(fooCsv.status(), 400);
      assert.match(await fooCsv.text(), /^没有这个筛选选项：area/);
      // A figure the dashboard has not is named as such, not blamed on the period.
      const nope = await page.request.get(`${web.baseUrl}/supervisor/dashboard.csv?figure=nope`);
      assert.equal(nope.status(), 400);
      assert.match(await nope.text(), /^没有这项统计（figure 可取：daily, /);
      const pools = await page.request.get(`${web.baseUrl}/supervisor/dashboard.csv?figure=pools`);
      // With this year's rounds announced, a district's points quota is the year's pool.
      assert.ok((await pools.text()).includes(`"quota:yanta:${shanghaiToday().slice(0, 4)}","round_quota","yanta"`));

      // English, with a filter in the URL.
      await page.goto(`${web.baseUrl}/lang/en?back=${encodeURIComponent('/supervisor/dashboard?route=town')}`);
      await page.getByRole('heading', { name: 'Open cases by area and route' }).waitFor();
      assert.equal(await page.getByLabel('Route', { exact: true }).inputValue(), 'town');
      await axeCheck(page);
      await screenshot(page, 'web-supervisor-dashboard-en');

      // A period that cannot be: the error summary links to the field.
      await page.goto(`${web.baseUrl}/supervisor/dashboard?from=2026-11-10&to=2026-11-01`);
      await page.getByRole('link', { name: /Enter a valid period/ }).waitFor();
      await axeCheck(page);
    } finally {
      await page.context().close();
    }
  });
});
