/**
 * Bulk interventions in a real browser (issue 11): a supervisor picks the overdue police cases
 * ("select all on this page"), reassigns them with a reason, is taken to the progress page and
 * reads the report; a start without a reason is refused with the field named. axe on every page
 * (the running page's self-refresh is not checked: axe flags any timed refresh); screenshots in
 * both languages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { caseModel } from '../../models/case.model';
import { bearer, knownOfficer, submitCase, townBody, waitForWorkflow } from '../support/api';
import { axeCheck, launchBrowser, newPage, screenshot } from '../support/browser';
import { DEMO_PASSWORDS, signIn, startWebStack, type WebStack } from '../support/web-stack';

const DESK = { width: 1280, height: 800 };

describe('web pages: bulk interventions in a real browser', () => {
  let web: WebStack;
  let browser: Browser;
  let caseIds: string[];
  let caseNumbers: string[];

  before(async () => {
    // Police decisions are due 2 s after they are asked for: overdue without waiting long.
    web = await startWebStack('web_bulk_intervention', { env: { DEADLINE_CLOCK: 'elapsed', SLA_POLICE_MS: '2000' } });
    browser = await launchBrowser();
    const auth = await bearer(web.stack, { sub: 'applicant-web-bulk', role: 'applicant' });
    caseIds = await Promise.all([1, 2, 3].map(() => submitCase(web.stack, auth, townBody())));
    const overdue = await Promise.all(
      caseIds.map((id) => waitForWorkflow(web.stack, id, (c) => c.steps.police?.overdue === true, 'overdue')),
    );
    caseNumbers = overdue.map((c) => c.caseNumber);
  });
  after(async () => {
    await browser?.close();
    await web?.close();
  });

  const supervisor = async (locale: 'zh-CN' | 'en-GB'): Promise<Page> => {
    const page = await newPage(browser, { locale, viewport: DESK });
    await signIn(page, web, 'supervisor', DEMO_PASSWORDS.supervisor, '/supervisor/bulk/new?reason=overdue&department=police');
    return page;
  };

  it('when a supervisor selects every overdue police case and reassigns them with a reason, then the progress page ends with every case done', async () => {
    const page = await supervisor('zh-CN');
    try {
      // Arrange: the form lists the overdue cases, none ticked; the new holder has used the service.
      await knownOfficer(web.stack, { sub: 'police-officer-8', role: 'officer', department: 'police' });
      await page.goto(`${web.baseUrl}/supervisor/bulk/new?reason=overdue&department=police`);
      await page.getByRole('heading', { name: '批量处置' }).waitFor();
      await axeCheck(page);
      // A value the page does not offer (an old link's department, a form altered on its way) lists
      // no cases and starts nothing: it is not read as the police's cases or the first action.
      const wrongLink = await page.goto(`${web.baseUrl}/supervisor/bulk/new?reason=overdue&department=POLICE&area=foo`);
      assert.equal(wrongLink?.status(), 400);
      await page
        .getByRole('link', {
          name: '链接或表单中的环节、区县 / 乡镇不是本页提供的选项，因此没有列出案件，也不会执行：请从滞留案件列表重新进入',
        })
        .waitFor();
      assert.equal(await page.locator('input[name="caseIds"]').count(), 0, 'no cases to act on');
      assert.equal(await page.locator('main a[href="/supervisor/stuck"]').count(), 1, 'the way back to the stuck list');
      await axeCheck(page);
      await page.goto(`${web.baseUrl}/supervisor/bulk/new?reason=overdue&department=police`);
      const altered = await page.request.post(`${web.baseUrl}/supervisor/bulk`, {
        form: {
          _csrf: await page.locator('input[name=_csrf]').first().inputValue(),
          requestId: crypto.randomUUID(),
          reason: 'overdue',
          department: 'police',
          action: 'close_case',
          note: '改过的表单',
          caseIds: caseIds[0]!,
        },
        maxRedirects: 0,
      });
      assert.equal(altered.status(), 400);
      assert.match(await altered.text(), /链接或表单中的处置方式不是本页提供的选项/);

      // Act: a start without a reason is refused; then every case, reassigned, with the reason.
      await page.getByRole('link', { name: '全选本页' }).click();
      for (const id of caseIds) assert.equal(await page.locator(`#case-${id}`).isChecked(), true);
      await page.getByLabel('改派经办人').check();
      await page.locator('#officerId').selectOption('police-officer-8');
      await screenshot(page, 'web-supervisor-bulk-new-zh-CN');
      await page.getByRole('button', { name: '开始执行' }).click();
      await page.getByRole('link', { name: '请填写处置理由' }).waitFor();
      await axeCheck(page);
      await page.locator('#note').fill('批量改派：原经办人外出培训');
      await page.getByRole('button', { name: '开始执行' }).click();

      // Assert
      await page.waitForURL(/\/supervisor\/bulk\/[0-9a-f]{32}(\?|$)/);
      await page.getByText('已执行完毕。').waitFor({ timeout: 30_000 });
      assert.equal(
        await page.locator('#bulk-progress').getAttribute('value'),
        await page.locator('#bulk-progress').getAttribute('max'),
      );
      assert.equal(await page.locator('[data-count="succeeded"]').textContent(), String(caseIds.length));
      // Each case by its number, linked to its page.
      for (const [i, n] of caseNumbers.entries()) {
        const row = page.getByRole('row', { name: new RegExp(`${n}.*成功`) });
        assert.equal(await row.getByRole('link', { name: n }).getAttribute('href'), `/supervisor/cases/${caseIds[i]}`);
      }
      await axeCheck(page);
      await screenshot(page, 'web-supervisor-bulk-report-zh-CN');
      for (const id of caseIds)
        await waitForWorkflow(web.stack, id, (c) => c.steps.police?.assignedOfficer === 'police-officer-8', 'reassigned');

      const en = await supervisor('en-GB');
      try {
        await en.goto(`${web.baseUrl}/supervisor/bulk/new?reason=overdue&department=police`);
        await en.getByRole('heading', { name: 'Bulk intervention' }).waitFor();
        await screenshot(en, 'web-supervisor-bulk-new-en');
        await en.goto(page.url());
        await en.getByText('Finished.').waitFor();
        await axeCheck(en);
        await screenshot(en, 'web-supervisor-bulk-report-en');
      } finally {
        await en.context().close();
      }
    } finally {
      await page.context().close();
    }
  });

  it('when a supervisor hands the stale list filtered by age over to the bulk page, then it lists the same cases, not every case a day without progress', async () => {
    // Arrange: in the read model, one case last progressed 2 days ago, another 5 days ago.
    const days = (n: number) => new Date(Date.now() - n * 24 * 3600_000);
    const [twoDays, fiveDays] = caseIds as [string, string];
    await caseModel(web.stack.mongo).updateOne({ _id: twoDays }, { $set: { lastProgressDate: days(2) } });
    await caseModel(web.stack.mongo).updateOne({ _id: fiveDays }, { $set: { lastProgressDate: days(5) } });
    const page = await supervisor('zh-CN');
    try {
      // Act
      await page.goto(`${web.baseUrl}/supervisor/stuck?reason=stale&ageDays=3&department=police`);
      await page.locator(`a[href^="/supervisor/bulk/new?"]`).click();
      await page.getByRole('heading', { name: '批量处置' }).waitFor();

      // Assert
      assert.match(page.url(), /ageDays=3/);
      assert.equal(await page.locator(`#case-${fiveDays}`).count(), 1, 'five days without progress: listed');
      assert.equal(await page.locator(`#case-${twoDays}`).count(), 0, 'two days: not on the list reviewed');
      await page.getByText('超过3个工作日无进展').first().waitFor();
      // "Select all" keeps the filter.
      await page.getByRole('link', { name: '全选本页' }).click();
      assert.match(page.url(), /ageDays=3/);
      assert.equal(await page.locator(`#case-${twoDays}`).count(), 0);

      // Extended by calendar days (the elapsed clock's default unit, as on a case's page).
      assert.equal(await page.locator('#unit').inputValue(), 'days');
      await page.locator('#action-extend_deadline').check();
      await page.locator('#hours').fill('3');
      await page.locator('#note').fill('材料复核，顺延三天');
      const before = Date.now();
      await page.getByRole('button', { name: '开始执行' }).click();
      await page.getByText('已执行完毕。').waitFor({ timeout: 30_000 });
      const extended = await waitForWorkflow(web.stack, fiveDays, (c) => c.steps.police?.overdue === false, 'extended');
      const moved = Date.parse(extended.steps.police!.dueAt!) - before;
      assert.ok(moved > 2.9 * 24 * 3600_000 && moved < 3.1 * 24 * 3600_000, `three days later: ${moved} ms`);
    } finally {
      await page.context().close();
    }
  });
});
