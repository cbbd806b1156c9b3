/**
 * Admission rounds in a real browser (issue 13): a supervisor closes the round early on its page;
 * anyone reads the published ranking on a phone without signing in (masked, with the score's
 * breakdown); a signed-in applicant objects to an entry; a supervisor upholds the objection, and
 * the next in line is admitted. Every page passes axe and is photographed in both languages. The
 * later tests read a closed round: the first one closes it on its page, and each later one closes
 * it itself when it is still open (run alone, by name).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { axeCheck, launchBrowser, newPage, screenshot, smallTargets } from '../support/browser';
import { untilState } from '../support/case-records';
import { caseInput, decide, startCase } from '../support/cases';
import { closeRoundIfOpen, quotaOf, testRounds, untilInRound } from '../support/rounds';
import { DEMO_PASSWORDS, signIn, startWebStack, type WebStack } from '../support/web-stack';
import { eventually } from '../support/stack';

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 900 };

describe('web pages: admission rounds in a real browser', () => {
  let web: WebStack;
  let browser: Browser;
  let roundId: string;
  const handles: Awaited<ReturnType<typeof startCase>>[] = [];

  before(async () => {
    const year = Number(shanghaiToday().slice(0, 4));
    const rounds = testRounds(`w${Date.now().toString(36)}`, [
      { opensOn: `${year}-01-01`, closesOn: `${year}-12-30`, quota: quotaOf(0, { yanta: 1 }) },
    ]);
    roundId = rounds.ids[0]!;
    // A notice long enough for the objection to be lodged and resolved by hand.
    web = await startWebStack('web_rounds', { rounds, env: { PUBLIC_NOTICE_MS: '600000' } });
    browser = await launchBrowser();
    // Two yanta cases for one place: the earlier submission ranks first on an equal score.
    for (const minutesAgo of [10, 5]) {
      const input = {
        ...caseInput(DEMO_PEOPLE.pointsHigh),
        submittedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      };
      const handle = await startCase(web.stack, input);
      for (const d of ['police', 'hrss', 'housing', 'education'] as const) await decide(handle, d);
      await untilInRound(handle);
      handles.push(handle);
    }
  });
  after(async () => {
    await browser?.close();
    await web?.close();
  });

  const bothLanguages = async (page: Page, name: string): Promise<void> => {
    const back = new URL(page.url());
    await axeCheck(page);
    await screenshot(page, `${name}-zh-CN`);
    await page.goto(`${web.baseUrl}/lang/en?back=${encodeURIComponent(back.pathname + back.search)}`);
    await axeCheck(page);
    await screenshot(page, `${name}-en`);
    await page.goto(`${web.baseUrl}/lang/zh-CN?back=${encodeURIComponent(back.pathname + back.search)}`);
  };

  it('when a supervisor closes the round early, then the confirmation has an address of its own, and Back after closing finds the round', async () => {
    const page = await newPage(browser, { viewport: DESK, locale: 'zh-CN' });
    try {
      await signIn(page, web, 'supervisor', DEMO_PASSWORDS.supervisor, `/supervisor/rounds/${roundId}`);
      await page.goto(`${web.baseUrl}/supervisor/rounds/${roundId}`);
      await page.getByLabel('截止理由').fill('指标已满，经局务会研究提前截止');
      await page.getByRole('button', { name: '提前截止', exact: true }).click();
      const heading = page.getByRole('heading', { level: 1, name: /确认提前截止/ });
      await heading.waitFor();
      // Its own address (the reason sealed in it): a reload shows it again, not "resubmit the form?".
      assert.match(page.url(), new RegExp(`/supervisor/rounds/${roundId}/close/confirm\\?draft=`));
      await page.reload();
      await heading.waitFor();
      assert.match((await page.locator('main').textContent()) ?? '', /指标已满，经局务会研究提前截止/);
      await axeCheck(page);
      // An altered address opens nothing: said on the round's page, the round still open.
      const altered = new URL(page.url());
      altered.searchParams.set('draft', `${altered.searchParams.get('draft')!.slice(0, -4)}AAAA`);
      await page.goto(altered.toString());
      await page.waitForURL((u) => u.pathname === `/supervisor/rounds/${roundId}`);
      await page.getByText(/该确认页已过期/).waitFor();
      await page.goBack();
      await heading.waitFor();
      await page.getByRole('button', { name: '确认提前截止', exact: true }).click();
      await page.getByText(/已截止，排名开始公示/).waitFor();
      // Back after closing finds the round's page (the confirmation's address leads there once closed).
      await page.goBack();
      await page.waitForURL((u) => u.pathname === `/supervisor/rounds/${roundId}`);
    } finally {
      await page.close();
    }
  });

  it('when anyone opens the published ranking on a phone, then it shows masked entries with their scores, and no full name or ID number', async () => {
    await closeRoundIfOpen(web.stack.client, roundId);
    const page = await newPage(browser, { viewport: PHONE, locale: 'zh-CN' });
    try {
      await page.goto(`${web.baseUrl}/rounds`);
      // The list too fits the phone: every cell inside the screen, a round's dates on one line.
      for (const box of await Promise.all(
        (await page.locator('.round-list th, .round-list td').all()).map((c) => c.boundingBox()),
      ))
        assert.ok(
          !box || box.x + box.width <= PHONE.width,
          `a cell ends at x=${box && box.x + box.width} on a ${PHONE.width}px screen`,
        );
      // A round's link is a finger's size, as README promises for every control on a phone.
      assert.deepEqual(await smallTargets(page, '.round-list a'), []);
      const dates = await page.locator('.round-list__dates').first().boundingBox();
      assert.ok(dates && dates.height < 40, `a round's dates wrap into ${dates?.height}px`);
      await page
        .getByRole('link', { name: new RegExp(roundId) })
        .first()
        .click();
      await page.waitForURL(`${web.baseUrl}/rounds/${roundId}`);
      const text = await page.locator('main').innerText();
      assert.match(text, /张\*\*/);
      assert.ok(!text.includes(DEMO_PEOPLE.pointsHigh.name), 'no full name');
      assert.ok(!text.includes(DEMO_PEOPLE.pointsHigh.idNumber), 'no full ID number');
      assert.match(text, /6101\*{10}/);
      // Each entry's result is on the screen, not past its right edge (no sideways scroll).
      const results = await page.locator('.ranking__result .tag').all();
      assert.equal(results.length, handles.length, 'one result per entry');
      for (const box of await Promise.all(results.map((t) => t.boundingBox()))) {
        assert.ok(box && box.x + box.width <= PHONE.width, `a result at x=${box?.x} is on a ${PHONE.width}px screen`);
      }
      // The breakdown by indicator is folded, one tap away.
      await page.locator('.ranking__breakdown summary').first().click();
      await page.locator('.ranking__breakdown .breakdown').first().waitFor();
      await bothLanguages(page, 'web-rounds-ranking');
    } finally {
      await page.close();
    }
  });

  it('when an applicant objects and a supervisor upholds the objection, then the entry is removed and the next in line admitted', async () => {
    await closeRoundIfOpen(web.stack.client, roundId);
    const applicant = await newPage(browser, { viewport: PHONE, locale: 'zh-CN' });
    try {
      const form = `/rounds/${roundId}/objections/new?entry=yanta-1`;
      await signIn(applicant, web, 'townowner', DEMO_PASSWORDS.applicant, form);
      // Signed in during the notice, the ranking offers an objection link per entry, each a finger's size.
      await applicant.goto(`${web.baseUrl}/rounds/${roundId}`);
      assert.ok((await applicant.locator('.ranking a').count()) > 0, 'the ranking offers objections');
      assert.deepEqual(await smallTargets(applicant, '.ranking a'), [], 'an entry’s objection link is a finger’s size');
      await applicant.goto(`${web.baseUrl}${form}`);
      await applicant.getByLabel('异议理由').fill('该申请人的社保缴费年限与实际不符');
      await axeCheck(applicant);
      await screenshot(applicant, 'web-rounds-objection-zh-CN');
      await applicant.getByRole('button', { name: '提交异议' }).click();
      await applicant.getByText('异议已提交').waitFor();
    } finally {
      await applicant.close();
    }

    const supervisor = await newPage(browser, { viewport: DESK, locale: 'zh-CN' });
    try {
      await signIn(supervisor, web, 'supervisor', DEMO_PASSWORDS.supervisor, `/supervisor/rounds/${roundId}`);
      await supervisor.goto(`${web.baseUrl}/supervisor/rounds/${roundId}`);
      await supervisor.getByText('该申请人的社保缴费年限与实际不符').waitFor();
      // The entry as the ranking names it, not by its code.
      await supervisor
        .getByRole('link', { name: /^雁塔区第1名 / })
        .first()
        .waitFor();
      assert.match((await supervisor.locator('legend').filter({ hasText: '处理异议' }).textContent()) ?? '', /雁塔区第1名/);
      await bothLanguages(supervisor, 'web-supervisor-round');
      await supervisor.getByLabel('成立：取消该条，下一位依次递补').check();
      await supervisor.getByLabel('核查意见').fill('经核查，社保缴费年限有误');
      await supervisor.getByRole('button', { name: '提交处理结果' }).click();
      // Upholding refuses a case: a confirmation page says so before anything happens.
      await supervisor.getByRole('heading', { level: 1, name: '确认异议成立' }).waitFor();
      // Its own address: Back after upholding finds the round's page, not "resubmit the form?".
      assert.match(supervisor.url(), /\/resolution\/confirm\?draft=/);
      const confirm = (await supervisor.locator('main').textContent()) ?? '';
      assert.match(confirm, /雁塔区第1名/);
      assert.match(confirm, /经核查，社保缴费年限有误/);
      assert.match(confirm, /不予落户决定书/);
      // Who moves up, as the round will do it (the next in line of the district).
      assert.match(confirm, /其名额由雁塔区第2名 \S+递补/);
      await axeCheck(supervisor);
      await supervisor.getByRole('button', { name: '确认成立' }).click();
      await supervisor.getByText(/异议已处理/).waitFor();
      await supervisor.goBack();
      await supervisor.waitForURL((u) => u.pathname === `/supervisor/rounds/${roundId}`);
      await supervisor.goForward();
      // Who resolved it, by the name they signed in with.
      await supervisor.getByText('吴主任（supervisor-1）').first().waitFor();
      // Reading what people wrote about a ranked person is recorded (查询留痕), naming the round.
      await supervisor.goto(`${web.baseUrl}/audit/access-records?userId=supervisor-1`);
      const row = supervisor.locator('tr', { hasText: '积分入户批次的异议' }).first();
      await row.waitFor();
      assert.equal(await row.locator(`a[href="/supervisor/rounds/${roundId}"]`).count(), 1, 'the row links to the round');
    } finally {
      await supervisor.close();
    }

    const removed = await untilState(handles[0]!, (s) => (s.status === 'rejected' ? s : undefined), 'the first case refused');
    assert.equal(removed.outcome?.reasons[0]?.code, 'objection_upheld');
    await untilState(handles[1]!, (s) => (s.round?.status === 'admitted_provisionally' ? s : undefined), 'the second admitted');

    // The removed entry is still listed, so objecting to it again is a conflict said in words, not "not found".
    const again = await newPage(browser, { viewport: PHONE, locale: 'zh-CN' });
    try {
      const form = `/rounds/${roundId}/objections/new?entry=yanta-1`;
      await signIn(again, web, 'townowner', DEMO_PASSWORDS.applicant, form);
      const refused = await eventually(async () => {
        const res = await again.goto(`${web.baseUrl}${form}`);
        return res?.status() === 409 ? res : undefined;
      }, 'the objection form refused once the ranking shows the entry removed');
      assert.equal(refused.status(), 409);
      await again.getByText('该条已因异议成立被取消').waitFor();
      await axeCheck(again);
    } finally {
      await again.close();
    }
  });
});
