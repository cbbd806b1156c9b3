/**
 * README "A child on the school waiting list", walked as written: the demo account `family`
 * (王丽) applies on the points route for Beilin with her kindergartner, the four departments'
 * demo officers approve in the workbench, and, Beilin having no kindergarten places in the shipped
 * capacity file, the daughter joins the waiting list; education places her at one of Beilin's
 * listed kindergartens, and the mother's case page names her daughter on each line about her.
 * Nothing in this journey goes round the pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { axeCheck, launchBrowser, newPage } from '../support/browser';
import { waitForCase } from '../support/api';
import { quotaOf, testRounds } from '../support/rounds';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { approveInWorkbench } from '../support/workbench-approval';
import { DEMO_PASSWORDS, signIn, startWebStack, type WebStack } from '../support/web-stack';

describe('a family whose child waits for a kindergarten place, entirely in the browser', () => {
  let web: WebStack;
  let browser: Browser;

  before(async () => {
    // The shipped capacity file, as npm start reads it: Beilin has no kindergarten places. A round
    // of the test's own that stays open to the year's end, as the demo's round does in README's
    // walk (the stacks' default ranks a case a second after it joins, and a one-day round closes
    // at the office's close, 17:00 Beijing: either way the case would settle mid-walk).
    const year = Number(shanghaiToday().slice(0, 4));
    const rounds = testRounds(`f${Date.now().toString(36)}`, [
      { opensOn: shanghaiToday(), closesOn: `${year}-12-31`, quota: quotaOf(1000) },
    ]);
    web = await startWebStack('web_family_waitlist', { rounds });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await web?.close();
  });

  async function asOfficer<T>(username: string, path: string, act: (page: Page) => Promise<T>): Promise<T> {
    const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
    try {
      await signIn(page, web, username, DEMO_PASSWORDS.officer, path);
      return await act(page);
    } finally {
      await page.context().close();
    }
  }

  /** The supervisor's dashboard, Beilin's row of the districts' table: its children waiting for a place. */
  async function childrenWaitingInBeilin(): Promise<string> {
    const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
    try {
      await signIn(page, web, 'supervisor', DEMO_PASSWORDS.supervisor, '/supervisor/dashboard?area=beilin');
      await page.goto(`${web.baseUrl}/supervisor/dashboard?area=beilin`);
      const table = page.locator('table[data-figure="areas"]');
      const column = (await table.locator('thead th').allTextContents()).indexOf('轮候学位儿童（人）');
      assert.ok(column > 0, 'the districts’ table has the column');
      return (
        (await table
          .getByRole('row', { name: /碑林区/ })
          .locator('th, td')
          .nth(column)
          .textContent()) ?? ''
      );
    } finally {
      await page.context().close();
    }
  }

  it('§21–23 when 王丽 applies in Beilin with her kindergartner and every department approves, then the daughter waits on Beilin’s list, education places her from it, and the case page names her', async () => {
    const mother = DEMO_PEOPLE.beilinFamily;
    const daughter = mother.family[0]!;
    const applicant = await newPage(browser, { viewport: { width: 390, height: 844 } });
    try {
      await signIn(applicant, web, 'family', DEMO_PASSWORDS.applicant);
      await applicant.getByRole('link', { name: '申请落户' }).first().click();
      await applicant.locator('input[name=route][value=points]').check();
      await applicant.locator('#area').selectOption('beilin');
      assert.equal(await applicant.locator('#applicant-idNumber').inputValue(), mother.idNumber);
      await applicant.locator('#contact-phone').fill('13800138000');
      await applicant.locator('#family-0-name').fill(daughter.name);
      await applicant.locator('#family-0-idNumber').fill(daughter.idNumber);
      await applicant.locator('#family-0-relation').selectOption('child');
      await applicant.locator('#family-0-schoolLevel').selectOption('kindergarten');
      await applicant.getByRole('button', { name: '提交申请' }).click();
      await applicant.getByRole('heading', { name: '申请已提交' }).waitFor();
      const caseNumber = ((await applicant.locator('.panel__number').textContent()) ?? '').trim();
      const caseId = /\/applicant\/cases\/([0-9a-f-]{36})\/submitted$/.exec(new URL(applicant.url()).pathname)?.[1] ?? '';
      assert.ok(caseId && caseNumber);

      // The points route asks all four departments (§2); her 109 points pass HR's threshold of 70.
      for (const department of ['police', 'hrss', 'housing']) await approveInWorkbench(browser, web, department, caseNumber);
      // Education is told before confirming that the child will wait (Beilin's kindergartens are full).
      await approveInWorkbench(browser, web, 'education', caseNumber, {
        confirmationSays: `碑林区幼儿园学位不足：通过后，${daughter.name}将列入轮候名单。`,
        // …and the banner after it says what happened.
        bannerSays: `碑林区幼儿园学位不足，${daughter.name}已列入轮候名单（第1位），请在学位轮候名单中为其安排学位。`,
        bannerLink: { name: '打开学位轮候名单', href: '/officer/school-waitlist' },
      });
      await waitForCase(web.stack, caseId, (c) => c.schoolPlacements?.[0]?.status === 'waiting', 'daughter waiting');
      // The supervisor's figures count her, as a child (a person), in Beilin.
      assert.equal(await childrenWaitingInBeilin(), '1');

      // Education finds her on Beilin's list and places her at a kindergarten the city lists.
      await asOfficer('education', '/officer/inbox', async (page) => {
        await page.getByRole('link', { name: '学位轮候名单' }).click();
        await page.getByRole('heading', { name: '学位轮候名单' }).waitFor();
        const row = page.getByRole('row', { name: new RegExp(caseNumber) });
        await row.getByLabel(`为案件 ${caseNumber} 的${daughter.name}安排的学校或幼儿园`).selectOption('碑林区第二幼儿园');
        await row.getByRole('button', { name: '安排学位' }).click();
        // A confirmation says what follows (her case is still open: the settled letter will name
        // the place), its Confirm focused so that Enter places her.
        await page.getByRole('heading', { name: '确认安排学位' }).waitFor();
        await page.getByText(`${daughter.name}将被安排至碑林区第二幼儿园，移出轮候名单`).waitFor();
        await page.getByText('学位将在准予落户通知中告知申请人').waitFor();
        await axeCheck(page);
        await page.keyboard.press('Enter');
        await page
          .getByRole('status')
          .getByText(`已为案件 ${caseNumber} 的随迁子女${daughter.name}安排学位：碑林区第二幼儿园。`)
          .waitFor();
        await axeCheck(page);
      });
      const placed = await waitForCase(web.stack, caseId, (c) => c.schoolPlacements?.[0]?.status === 'placed', 'daughter placed');
      assert.notEqual(placed.status, 'settled', 'the case still waits for its round, as in README');
      assert.equal(await childrenWaitingInBeilin(), '0', 'placed: no longer waiting');

      // The mother's page: each school-place line of the timeline names her daughter, and the
      // waiting-list notice is among the case's notices.
      await applicant.goto(`${web.baseUrl}/applicant/cases/${caseId}`);
      const timeline = applicant.locator('section[aria-labelledby="timeline-title"]');
      await timeline.getByText(`子女进入学位轮候：${daughter.name}`).waitFor();
      await timeline.getByText(`子女学位安排：${daughter.name}`).waitFor();
      // Her place is named where the page lists the children's places.
      await applicant.locator('section[aria-labelledby="school-title"]').getByText('碑林区第二幼儿园').first().waitFor();
      await applicant
        .locator('section[aria-labelledby="notices-title"]')
        .getByRole('link', { name: /^随迁子女学位轮候通知/ })
        .first()
        .waitFor();
      await axeCheck(applicant);

      // A supervisor's page of the case lists the children's places: hers, placed at that school.
      const supervisor = await newPage(browser, { viewport: { width: 1280, height: 800 } });
      try {
        await signIn(supervisor, web, 'supervisor', DEMO_PASSWORDS.supervisor, `/supervisor/cases/${caseId}`);
        const row = supervisor
          .locator('#school-places ~ .table-wrap')
          .first()
          .getByRole('row', { name: new RegExp(daughter.name) });
        await row.getByRole('cell', { name: '碑林区第二幼儿园' }).waitFor();
        await row.getByRole('cell', { name: /^已安排学位/ }).waitFor();
        await axeCheck(supervisor);
      } finally {
        await supervisor.context().close();
      }
    } finally {
      await applicant.context().close();
    }
  });
});
