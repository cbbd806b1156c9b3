/**
 * Issue 10's "done when": a newcomer takes a case from application to settled entirely in the
 * browser, as README "Web pages" tells them to — the demo account `newcomer` applies on the town
 * route, the police and housing officers (each signed in as themselves) claim and approve in
 * the workbench, and the applicant then sees the case settled and the settled letter. Nothing
 * in this journey goes round the pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { axeCheck, launchBrowser, newPage } from '../support/browser';
import { waitForStep } from '../support/api';
import { approveInWorkbench } from '../support/workbench-approval';
import { DEMO_PASSWORDS, signIn, startWebStack, type WebStack } from '../support/web-stack';

describe('a newcomer, from application to settled, entirely in the browser', () => {
  let web: WebStack;
  let browser: Browser;

  before(async () => {
    web = await startWebStack('web_newcomer');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await web?.close();
  });

  it('when newcomer applies, police and housing approve in the workbench, then the applicant sees the case settled and the letter', async () => {
    const person = DEMO_PEOPLE.newcomer;
    const applicant = await newPage(browser, { viewport: { width: 390, height: 844 } });
    try {
      await signIn(applicant, web, 'newcomer', DEMO_PASSWORDS.applicant);
      assert.equal(new URL(applicant.url()).pathname, '/applicant/cases');
      await applicant.getByRole('link', { name: '申请落户' }).first().click();
      await applicant.locator('input[name=route][value=town]').check();
      await applicant.locator('#area').selectOption('zhouzhi');
      // She applies as herself: the form shows her account's verified ID number and name.
      assert.equal(await applicant.locator('#applicant-idNumber').inputValue(), person.idNumber);
      assert.equal(await applicant.locator('#applicant-name').inputValue(), person.name);
      await applicant.locator('#contact-phone').fill('13800138000');
      await applicant.getByRole('button', { name: '提交申请' }).click();
      await applicant.getByRole('heading', { name: '申请已提交' }).waitFor();
      const caseNumber = ((await applicant.locator('.panel__number').textContent()) ?? '').trim();
      const caseId = /\/applicant\/cases\/([0-9a-f-]{36})\/submitted$/.exec(new URL(applicant.url()).pathname)?.[1] ?? '';
      assert.ok(caseId && caseNumber);

      // The town route asks the police and housing departments (§1); each officer decides in the pages.
      await approveInWorkbench(browser, web, 'police', caseNumber, { checkAccessibility: true });
      await approveInWorkbench(browser, web, 'housing', caseNumber, { checkAccessibility: true });

      await waitForStep(web.stack, caseId, 'housing', 'approved');
      for (let i = 0; i < 60; i++) {
        await applicant.goto(`${web.baseUrl}/applicant/cases/${caseId}`);
        if ((await applicant.locator('.summary-list .tag', { hasText: '已落户' }).count()) > 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      await applicant.locator('.summary-list .tag', { hasText: '已落户' }).first().waitFor();
      await axeCheck(applicant);
      // The settled letter among the case's notices (the header's 申请落户 link is no letter), and it opens.
      const notices = applicant.locator('section[aria-labelledby="notices-title"]');
      const letter = notices.getByRole('link', { name: /^准予落户通知/ }).first();
      await letter.waitFor();
      await letter.click();
      await applicant
        .getByRole('heading', { name: /准予落户通知/ })
        .first()
        .waitFor();
    } finally {
      await applicant.context().close();
    }
  });
});
