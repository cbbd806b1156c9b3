/**
 * The applicant portal in a real browser at a phone's size (issue 10, "Applicant portal"): apply
 * with a family (§1, §2, §21–23) and see errors next to the fields; follow the case to settled and
 * read the letter; answer a supplement request (补正); withdraw with a confirmation; and another
 * person's case is not found. Every page passes axe and is photographed in both languages.
 * Officers decide through the JSON API here: the officer workbench has its own tests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_FAMILY, DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import {
  applicationBody,
  bearer,
  decideViaApi,
  freshIdNumber,
  submitCase,
  tokens,
  waitForStatus,
  waitForStep,
  type Tokens,
} from '../support/api';
import { axeCheck, launchBrowser, newPage, screenshot, smallTargets } from '../support/browser';
import { noticesOf } from '../support/case-records';
import { noticeKey } from '../../app/views/notice-views';
import { FAMILY_REFUSALS_PER_DAY } from '../../app/commands/submit-application';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { caseModel } from '../../models/case.model';
import { familyRefusalId, familyRefusalModel } from '../../models/family-refusal.model';
import { DEMO_PASSWORDS, signIn, signInAgain, startWebStack, type WebStack } from '../support/web-stack';
import { webSessionModel } from '../../models/web-session.model';

const PHONE = { width: 390, height: 844 };

describe('applicant portal: apply, follow, supplement, withdraw in a real browser', () => {
  let web: WebStack;
  let browser: Browser;
  let t: Tokens;
  /** The family's case, applied for through the form by the "parent" account. */
  let familyCaseId = '';

  before(async () => {
    web = await startWebStack('web_applicant');
    browser = await launchBrowser();
    t = await tokens(web.stack);
  });
  after(async () => {
    await browser?.close();
    await web?.close();
  });

  const phonePage = (locale = 'zh-CN') => newPage(browser, { viewport: PHONE, locale });

  /** axe and a screenshot of the page as it is, then the same page in English (language link), and back. */
  async function checkBothLanguages(page: Page, name: string): Promise<void> {
    await axeCheck(page);
    await screenshot(page, `${name}-zh-CN`);
    await page.getByRole('link', { name: 'English' }).click();
    await page.locator('html[lang="en"]').waitFor();
    await axeCheck(page);
    await screenshot(page, `${name}-en`);
    await page.getByRole('link', { name: '中文' }).click();
    await page.locator('html[lang="zh-CN"]').waitFor();
  }

  /** The parent's application; their own ID number is their account's, shown read-only. */
  async function fillApplication(page: Page, spouseIdNumber = DEMO_FAMILY.spouse.idNumber): Promise<void> {
    const parent = DEMO_PEOPLE.parentWithChildren;
    await page.locator('#route-points').check();
    await page.locator('#area').selectOption('yanta');
    await page.locator('#applicant-name').fill(parent.name);
    await page.locator('#contact-phone').fill('13800138000');
    await page.locator('#contact-email').fill('chen@example.cn');
    await page.locator('#family-0-name').fill(DEMO_FAMILY.spouse.name);
    await page.locator('#family-0-idNumber').fill(spouseIdNumber);
    await page.locator('#family-0-relation').selectOption('spouse');
    await page.locator('#family-1-name').fill(DEMO_FAMILY.kindergartner.name);
    await page.locator('#family-1-idNumber').fill(DEMO_FAMILY.kindergartner.idNumber);
    await page.locator('#family-1-relation').selectOption('child');
    await page.locator('#family-1-schoolLevel').selectOption('kindergarten');
  }

  it('when an applicant applies with a spouse and a child, then a wrong ID number is named next to its field and in the summary, the corrected application opens a case they can follow, and a form opened before it is refused at the ID field (§8)', async () => {
    const page = await phonePage('en-GB');
    try {
      await signIn(page, web, 'parent', DEMO_PASSWORDS.applicant, '/applicant/apply');
      await page.getByRole('heading', { name: 'Apply to settle' }).waitFor();
      await axeCheck(page);
      await screenshot(page, 'web-applicant-apply-en');
      // On a phone every control is a finger's size: the header, the choices (a radio's label
      // included), the selects, the fields and the buttons.
      assert.deepEqual(
        await smallTargets(
          page,
          'header a, header button, main input:not([type=radio]), main select, main button, .radios__item label',
        ),
        [],
      );

      // The applicant is the account holder: their verified ID number, read-only.
      const own = page.locator('#applicant-idNumber');
      assert.equal(await own.inputValue(), DEMO_PEOPLE.parentWithChildren.idNumber);
      assert.equal(await own.getAttribute('readonly'), '', 'the applicant’s own ID number cannot be changed');

      // A mistyped check character: refused by the same schema as the API, in English here.
      const spouseId = DEMO_FAMILY.spouse.idNumber;
      const wrong = spouseId.slice(0, 17) + (spouseId.endsWith('1') ? '2' : '1');
      await fillApplication(page, wrong);
      await page.getByRole('button', { name: 'Submit application' }).click();
      const summaryLink = page.locator('.error-summary a[href="#family-0-idNumber"]');
      await summaryLink.waitFor();
      assert.match((await summaryLink.textContent()) ?? '', /check character/);
      assert.match((await page.locator('#family-0-idNumber-error').textContent()) ?? '', /check character/);
      assert.equal(await page.locator('#applicant-name').inputValue(), DEMO_PEOPLE.parentWithChildren.name, 'values kept');
      assert.equal(await page.locator('#family-1-schoolLevel').inputValue(), 'kindergarten');
      assert.match(await page.title(), /^Error: /);
      await axeCheck(page);
      await screenshot(page, 'web-applicant-apply-error-en');

      // The language switch keeps what was typed (the form is sent back to be drawn in Chinese),
      // the errors gone until it is sent again.
      await page.locator('#applicant-name').fill('陈建国');
      await page.locator('header').getByRole('button', { name: '中文' }).click();
      await page.getByRole('heading', { name: '申请落户' }).waitFor();
      assert.equal(await page.locator('#applicant-name').inputValue(), '陈建国', 'what was typed is kept');
      assert.equal(await page.locator('#family-0-idNumber').inputValue(), wrong);
      assert.equal(await page.locator('#family-1-schoolLevel').inputValue(), 'kindergarten');
      assert.equal(await page.locator('#area').inputValue(), 'yanta');
      assert.equal(await page.locator('.error-summary').count(), 0, 'no errors until it is sent');
      assert.equal(await own.inputValue(), DEMO_PEOPLE.parentWithChildren.idNumber);
      assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
      await axeCheck(page);
      await page.goto(`${web.baseUrl}/applicant/apply`);
      await page.getByRole('heading', { name: '申请落户' }).waitFor();
      await screenshot(page, 'web-applicant-apply-zh-CN');
      await fillApplication(page, wrong);
      // Enter in a field (a phone keyboard's 前往) submits the form, not the header's language switch.
      await page.locator('#contact-phone').press('Enter');
      await page.locator('#family-0-idNumber-error').waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN', 'still in Chinese');
      assert.match((await page.locator('#family-0-idNumber-error').textContent()) ?? '', /校验位不正确/);
      await page.locator('.error-summary a[href="#family-0-idNumber"]').click();
      assert.equal(await page.locator('#family-0-idNumber:focus').count(), 1, 'the summary link leads to the field');
      await axeCheck(page);
      await screenshot(page, 'web-applicant-apply-error-zh-CN');

      // A school level the child's age (from the ID number) does not fit is named at the level (§21–23).
      await page.locator('#family-0-idNumber').fill(spouseId);
      await page.locator('#family-1-schoolLevel').selectOption('junior_secondary');
      await page.getByRole('button', { name: '提交申请' }).click();
      await page.locator('#family-1-schoolLevel-error').waitFor();
      assert.match((await page.locator('#family-1-schoolLevel-error').textContent()) ?? '', /年龄与所选学段不符/);

      // A second tab holds the form as it was before this submission (§8, below).
      const early = await page.context().newPage();
      await early.setViewportSize(PHONE);
      await early.goto(`${web.baseUrl}/applicant/apply`);
      await fillApplication(early);

      await page.locator('#family-1-schoolLevel').selectOption('kindergarten');
      await page.getByRole('button', { name: '提交申请' }).click();
      await page.getByRole('heading', { name: '申请已提交' }).waitFor();

      // §8: the form sent from the earlier tab is refused, the applicant now being in an open case:
      // said as the apply page says it, with the way to the application sent from the first tab
      // (no form whose fields could be mended); the apply page opened now says so before any form.
      await early.getByRole('button', { name: '提交申请' }).click();
      await early.getByRole('heading', { name: '您已列入一件正在办理的申请' }).waitFor();
      assert.equal(await early.locator('#applicant-idNumber').count(), 0, 'no form to mend');
      await early.getByRole('button', { name: '我的申请' }).click();
      await early.locator(`a[href^="/applicant/cases/"]`).first().waitFor();
      await early.goto(`${web.baseUrl}/applicant/apply`);
      await early.getByRole('heading', { name: '您已列入一件正在办理的申请' }).waitFor();
      assert.equal(await early.locator('#applicant-idNumber').count(), 0, 'no form to fill in');
      await early.getByRole('link', { name: '我的申请' }).last().waitFor();
      await early.close();
      const caseNumber = (await page.locator('.panel__number').textContent()) ?? '';
      assert.match(caseNumber, /^HK-\d{4}-\d{6}$/);
      familyCaseId = /\/applicant\/cases\/([0-9a-f-]{36})\/submitted$/.exec(new URL(page.url()).pathname)?.[1] ?? '';
      assert.ok(familyCaseId, 'the confirmation page names the case by its id');
      await checkBothLanguages(page, 'web-applicant-submitted');

      await page.getByRole('button', { name: '查看办理进度' }).click();
      await page.getByRole('heading', { name: `申请 ${caseNumber}` }).waitFor();
      const people = (await page.locator('#persons-title + .table-wrap').textContent()) ?? '';
      assert.match(people, new RegExp(DEMO_FAMILY.spouse.name));
      assert.match(people, /子女（幼儿园）/);
      assert.doesNotMatch(people, new RegExp(DEMO_FAMILY.spouse.idNumber), 'ID numbers are masked');
      assert.match(people, /6101\*+/);
      // On the phone every person's cells are inside the screen: the ID number is not cut off.
      for (const box of await Promise.all(
        (await page.locator('#persons-title + .table-wrap :is(th, td)').all()).map((c) => c.boundingBox()),
      ))
        assert.ok(
          !box || box.x + box.width <= PHONE.width,
          `a cell ends at x=${box && box.x + box.width} on a ${PHONE.width}px screen`,
        );
      await page.getByText('市公安局').first().waitFor();
      // The points route shows its breakdown once HR's check has computed it.
      await waitForStep(web.stack, familyCaseId, 'hrss', 'awaiting_decision');
      await page.reload();
      await page.getByRole('heading', { name: '积分明细' }).waitFor();
      await page.locator('strong', { hasText: /总分\d+分，落户分值线\d+分/ }).waitFor();
      const score = (await page.locator('#score-title ~ .table-wrap').textContent()) ?? '';
      assert.match(score, /\d+年/, 'years in words');
      // The policy is named by the day it took effect, which an applicant can look up, not by a file's code.
      await page.getByText(/\d{4}年\d{1,2}月\d{1,2}日起施行的积分标准（以您提交申请之日施行的为准）/).waitFor();
      assert.equal(await page.getByText(/xian-2016/).count(), 0, 'no version code on the applicant’s page');
      // A provisional date (a holiday calendar not yet published) is marked; why is said once, under the list.
      const body = (await page.locator('main').textContent()) ?? '';
      const marks = body.split('（暂定）').length - 1;
      assert.equal(body.split('暂按工作日推算').length - 1, marks > 0 ? 1 : 0, `${marks} provisional dates, one note`);
      assert.doesNotMatch(score, /owned|vocational_skill|professional_title|bachelor/, 'codes in words, not as codes');
      await checkBothLanguages(page, 'web-applicant-case');
    } finally {
      await page.context().close();
    }
  });

  it('when every department approves, then the case shows settled, the reserved places and the school place, and the settled letter can be read among the notices', async () => {
    assert.ok(familyCaseId, 'the application test ran first');
    for (const d of ['police', 'hrss', 'housing', 'education'] as const)
      await decideViaApi(web.stack, t[d], familyCaseId, d, { decision: 'approve' });
    await waitForStatus(web.stack, familyCaseId, 'settled', 60_000);
    const page = await phonePage();
    try {
      await signIn(page, web, 'parent', DEMO_PASSWORDS.applicant, `/applicant/cases/${familyCaseId}`);
      await page.locator('.summary-list .tag', { hasText: '已落户' }).first().waitFor();
      await page.getByRole('heading', { name: '随迁子女学位' }).waitFor();
      await page.getByRole('heading', { name: '为您预留的名额与登记' }).waitFor();
      // Settled: what was held is taken up, no longer merely reserved.
      const tags = await page.locator('section[aria-labelledby="reservations-title"] .tag').allTextContents();
      assert.ok(tags.length > 0 && tags.every((t) => t.trim() === '已落实'), `reservation tags: ${tags.join(', ')}`);
      // A family holds a place per child: each is named by the child it is for.
      const held = await page.locator('section[aria-labelledby="reservations-title"] dt').allTextContents();
      assert.ok(
        held.includes(`随迁子女学位（${DEMO_FAMILY.kindergartner.name}）`),
        `the school place unnamed: ${held.join(' | ')}`,
      );
      await page.getByRole('heading', { name: '办理记录' }).waitFor();
      await page.locator('.timeline li', { hasText: '落户办结' }).waitFor();
      assert.deepEqual(await smallTargets(page, 'header a, header button, .back-link, .notice-list a, footer a'), []);
      // Each line says what happened: the decision, what was reserved, what was registered.
      const lines = await page.locator('.timeline li').allTextContents();
      for (const expected of [
        /部门作出审核决定：通过/,
        /预留预登记户籍记录/,
        /登记为居民户口/,
        /计算积分：总分\d+分，落户分值线\d+分/,
      ])
        assert.ok(
          lines.some((l) => expected.test(l)),
          `a timeline line matches ${expected}: ${lines.join(' | ')}`,
        );
      assert.ok(!lines.some((l) => /办理登记或预留名额|办理进展|reserved|registered as|round/.test(l)), lines.join(' | '));
      await checkBothLanguages(page, 'web-applicant-case-settled');

      const letter = page
        .locator('.notice-list li', { hasText: '电子邮件' })
        .filter({ hasText: '准予落户通知' })
        .getByRole('link');
      await letter.waitFor();
      await letter.click();
      await page.getByRole('heading', { name: /准予落户通知/ }).waitFor();
      assert.equal(await page.getByText('送达方式').count(), 0, 'served the way it was sent: the channel says it once');
      // The full letter is the last block; a notice that also went by SMS shows the text message first.
      const text = (await page.locator('.letter').last().textContent()) ?? '';
      assert.match(text, /居民户口/);
      assert.match(text, /随同落户的家庭成员/, 'the full letter, not the text message');
      assert.doesNotMatch(text, /<[a-z]/i, 'the letter is shown as text, never as markup');
      assert.doesNotMatch(text, new RegExp(DEMO_PEOPLE.parentWithChildren.idNumber), 'ID numbers stay masked');
      await checkBothLanguages(page, 'web-applicant-notice');
      // A notice's page is named by its key: a key that is none of this case's notices is not found.
      const unknown = await page.goto(
        `${web.baseUrl}${new URL(page.url()).pathname.replace(/[0-9a-f]{16}$/, 'ffffffffffffffff')}`,
      );
      assert.equal(unknown?.status(), 404);

      // §8: the parent is registered here now: the apply page says so instead of a form.
      await page.goto(`${web.baseUrl}/applicant/apply`);
      await page.getByRole('heading', { name: '您已在本市落户' }).waitFor();
      assert.equal(await page.locator('#applicant-idNumber').count(), 0, 'no form to fill in');
      await axeCheck(page);
    } finally {
      await page.context().close();
    }
    // Another applicant naming the settled family: each is named at their ID field.
    const other = await phonePage();
    try {
      await signIn(other, web, 'newcomer', DEMO_PASSWORDS.applicant, '/applicant/apply');
      await fillApplication(other);
      await other.getByRole('button', { name: '提交申请' }).click();
      for (const field of ['family-0-idNumber', 'family-1-idNumber']) {
        await other.locator(`.error-summary a[href="#${field}"]`).waitFor();
        assert.match((await other.locator(`#${field}-error`).textContent()) ?? '', /已通过此前的申请在本市落户/);
      }
      assert.equal(await other.locator('#applicant-idNumber-error').count(), 0, 'the newcomer is free');
      // The summary says whose number each is; next to the field it needs no saying.
      assert.match(
        (await other.locator('.error-summary a[href="#family-0-idNumber"]').textContent()) ?? '',
        new RegExp(`^家庭成员1（${DEMO_FAMILY.spouse.name}）：`),
      );
      await axeCheck(other);

      // A place of the other route: the message names it and where it belongs (§1 towns, §2 districts).
      await other.locator('input[name=route][value=town]').check();
      await other.locator('#area').selectOption('yanta');
      await other.getByRole('button', { name: '提交申请' }).click();
      await other.locator('#area-error').getByText('雁塔区属于市辖区，不办理建制镇落户').waitFor();
      assert.match((await other.locator('#area-error').textContent()) ?? '', /蓝田县、鄠邑区、周至县/);
    } finally {
      await other.context().close();
    }
  });

  it('when the police ask for more material, then the case page shows what and by when, a blank answer is named next to its field, the answer goes back to the officer, and the apply page meanwhile says the applicant is in an open case (§8)', async () => {
    const auth = await bearer(web.stack, { sub: 'demo-townOwner', role: 'applicant' });
    const caseId = await submitCase(web.stack, auth, applicationBody(DEMO_PEOPLE.townOwner));
    await decideViaApi(web.stack, t.police, caseId, 'police', {
      decision: 'request_supplement',
      missing: ['房屋产权证明', '居住登记凭证'],
    });
    await waitForStep(web.stack, caseId, 'police', 'supplement_requested');
    const page = await phonePage();
    try {
      await signIn(page, web, 'townowner', DEMO_PASSWORDS.applicant, `/applicant/cases/${caseId}`);
      // Named as its letter names it: the office of the case's area (i18n/local-office.ts).
      await page.getByRole('heading', { name: '市公安局鄠邑分局需要您补充材料' }).waitFor();
      // What the applicant owes is on the first screen of a phone, and leads to the request.
      const owed = page
        .getByRole('region', { name: '您有待办事项' })
        .getByRole('link', { name: /^市公安局鄠邑分局需要您补充材料，请在\d{4}年/ });
      const owedBox = await owed.boundingBox();
      assert.ok(
        owedBox && owedBox.y + owedBox.height <= PHONE.height,
        `the to-do link ends at y=${owedBox && owedBox.y + owedBox.height}`,
      );
      await owed.click();
      await page.waitForURL((u) => u.hash === '#supplement-police-title');
      // The deadline says whose clock it is, as the SMS and the letter do; in December, while the
      // next year's holiday calendar is not in the system, it is also marked provisional, with why.
      const banner = (await page.locator('.warning-text', { hasText: '补充以下材料' }).textContent()) ?? '';
      assert.match(banner, /^请在\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（北京时间(，暂定)?）前补充以下材料/, banner);
      assert.equal(banner.includes('，暂定）'), banner.includes('节假日安排尚未全部公布'), banner);
      // The police line shows the applicant's own deadline as theirs, not as when police will be done.
      await page
        .getByText(/您补正材料的截止时间：\d{4}年/)
        .first()
        .waitFor();
      await checkBothLanguages(page, 'web-applicant-supplement');

      await page.locator('#supplement-police-0-reference').fill('不动产权证 陕(2024)鄠邑区0012345号');
      await page.getByRole('button', { name: '提交补正材料' }).click();
      const error = page.locator('#supplement-police-1-reference-error');
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', /居住登记凭证/);
      await page.locator('.error-summary a[href="#supplement-police-1-reference"]').waitFor();
      assert.equal(await page.locator('#supplement-police-0-reference').inputValue(), '不动产权证 陕(2024)鄠邑区0012345号');
      await axeCheck(page);
      await screenshot(page, 'web-applicant-supplement-error-zh-CN');

      // A second tab open on the same request, answered in the first: it is told so in words.
      const tab2 = await page.context().newPage();
      await tab2.goto(`${web.baseUrl}/applicant/cases/${caseId}`);
      await page.locator('#supplement-police-1-reference').fill('居住证 610118-2023-88');
      await page.getByRole('button', { name: '提交补正材料' }).click();
      await page.getByRole('status').getByText('补正材料已提交').waitFor();
      await tab2.locator('#supplement-police-0-reference').fill('不动产权证 陕(2024)鄠邑区0012345号');
      await tab2.locator('#supplement-police-1-reference').fill('居住证 610118-2023-88');
      const [stale] = await Promise.all([
        tab2.waitForResponse((r) => r.request().method() === 'POST'),
        tab2.getByRole('button', { name: '提交补正材料' }).click(),
      ]);
      assert.equal(stale.status(), 409);
      await tab2.getByText('该部门目前没有等待您补充的材料').waitFor();
      assert.doesNotMatch(await tab2.locator('main').innerText(), /awaited|police/, 'no English, no code');
      await tab2.getByRole('button', { name: '返回申请' }).click();
      await tab2.waitForURL(`${web.baseUrl}/applicant/cases/${caseId}`);
      await tab2.close();
      // Drawn once the read model shows the material provided: the form just filled in is gone.
      assert.equal(await page.getByRole('button', { name: '提交补正材料' }).count(), 0, 'the supplement form is still offered');
      await waitForStep(web.stack, caseId, 'police', 'awaiting_decision');

      // §8: while this case is open, the apply page says so before any form, and leads to it.
      await page.goto(`${web.baseUrl}/applicant/apply`);
      await page.getByRole('heading', { name: '您已列入一件正在办理的申请' }).waitFor();
      await page.getByText('办结后才能再次申请').waitFor();
      await axeCheck(page);
    } finally {
      await page.context().close();
    }
  });

  it('when an applicant withdraws, then a confirmation page warns what is released first, and the case then shows withdrawn', async () => {
    const auth = await bearer(web.stack, { sub: 'demo-pointsHigh', role: 'applicant' });
    const caseId = await submitCase(web.stack, auth, applicationBody(DEMO_PEOPLE.pointsHigh));
    await waitForStep(web.stack, caseId, 'police', 'awaiting_decision');
    const page = await phonePage();
    try {
      await signIn(page, web, 'pointshigh', DEMO_PASSWORDS.applicant, `/applicant/cases/${caseId}`);
      await page.getByRole('button', { name: '撤回申请' }).click();
      await page.getByRole('heading', { name: '撤回申请' }).waitFor();
      await page.getByText('为您预留的名额').waitFor();
      await checkBothLanguages(page, 'web-applicant-withdraw');
      // The way out beside the button is a link a thumb can hit, not a line of text.
      const cancel = await page.getByRole('link', { name: '不撤回，返回申请' }).boundingBox();
      assert.ok(cancel && cancel.height >= 44, `the cancel link is ${cancel?.height}px tall`);
      const tab2 = await page.context().newPage();
      await tab2.goto(page.url());
      // No reason typed (it is optional): the workflow's own note for the record is not shown.
      await page.getByRole('button', { name: '确认撤回申请' }).click();
      await page.getByRole('status').getByText('您的申请已撤回').waitFor();
      // The same confirmation, still open in a second tab: it says the case is withdrawn, in Chinese.
      const [again] = await Promise.all([
        tab2.waitForResponse((r) => r.request().method() === 'POST'),
        tab2.getByRole('button', { name: '确认撤回申请' }).click(),
      ]);
      assert.equal(again.status(), 409);
      await tab2.getByText('该申请已撤回。', { exact: true }).waitFor();
      assert.doesNotMatch(await tab2.locator('main').innerText(), /ended|已办结/);
      await tab2.close();
      // The page under the banner already shows the case withdrawn (counted at once, not waited for).
      assert.equal((await page.locator('.summary-list .tag', { hasText: '已撤回' }).count()) > 0, true, 'withdrawn at once');
      assert.equal(await page.getByRole('button', { name: '撤回申请' }).count(), 0, 'an ended case offers no withdrawal');
      assert.equal(await page.getByText('withdrawn by the applicant').count(), 0, 'no English note on the Chinese page');
      // The header's language switch comes back to this page, without the banner worded in Chinese.
      await page.locator('header').getByRole('link', { name: 'English' }).click();
      await page.waitForURL((u) => u.pathname === `/applicant/cases/${caseId}` && !u.searchParams.has('flash'));
      assert.equal(await page.getByRole('status').getByText('您的申请已撤回').count(), 0);
      await page.locator('header').getByRole('link', { name: '中文' }).click();
      await page.waitForURL((u) => u.pathname === `/applicant/cases/${caseId}`);
      await waitForStatus(web.stack, caseId, 'withdrawn');
    } finally {
      await page.context().close();
    }
  });

  it('when an applicant’s session ends while they fill in the application, then nothing is sent, the form is kept, and signing in again returns to it filled in, to send', async () => {
    const page = await phonePage();
    try {
      // Arrange: the application typed out on the phone.
      await signIn(page, web, 'family', DEMO_PASSWORDS.applicant, '/applicant/apply');
      await page.locator('#route').check();
      await page.locator('#area').selectOption('huyi');
      // The name corrected from the account's (王丽): what comes back is what was typed.
      await page.locator('#applicant-name').fill('王丽华');
      await page.locator('#contact-phone').fill('13900139000');
      // A spouse in no other case (the family's own spouse is in the parent's, §8).
      const spouse = freshIdNumber();
      await page.locator('#family-0-name').fill('赵强');
      await page.locator('#family-0-idNumber').fill(spouse);
      await page.locator('#family-0-relation').selectOption('spouse');

      // Act: the session ends (idle too long, the phone asleep) before the applicant sends it.
      const cookie = (await page.context().cookies()).find((c) => c.name === 'hukou.sid')!;
      const sid = decodeURIComponent(cookie.value).replace(/^s:/, '').split('.')[0]!;
      assert.equal((await webSessionModel(web.stack.mongo).deleteOne({ _id: sid })).deletedCount, 1);
      await page.getByRole('button', { name: '提交申请' }).click();

      // Assert: said as such, the form kept; nothing was created.
      await page.getByRole('heading', { name: '登录已过期，本次提交未生效' }).waitFor();
      await page.getByText(/您填写的申请表已暂存1小时/).waitFor();
      await axeCheck(page);
      assert.equal(await caseModel(web.stack.mongo).countDocuments({ applicantUserId: 'demo-beilinFamily' }), 0, 'nothing sent');
      await page.getByRole('button', { name: '重新登录' }).click();
      await signInAgain(page, web, 'family', DEMO_PASSWORDS.applicant);
      await page.waitForURL((u) => u.pathname === '/applicant/apply');
      await page.getByText('已恢复您在登录超时前填写的申请内容，请核对后提交。').waitFor();
      assert.equal(await page.locator('#route').isChecked(), true);
      assert.equal(await page.locator('#area').inputValue(), 'huyi');
      assert.equal(await page.locator('#applicant-name').inputValue(), '王丽华');
      assert.equal(await page.locator('#contact-phone').inputValue(), '13900139000');
      assert.equal(await page.locator('#family-0-idNumber').inputValue(), spouse);
      assert.equal(await page.locator('#family-0-relation').inputValue(), 'spouse');
      await axeCheck(page);
      await page.getByRole('button', { name: '提交申请' }).click();
      await page.waitForURL((u) => /^\/applicant\/cases\/[^/]+\/submitted$/.test(u.pathname));
    } finally {
      await page.context().close();
    }
  });

  it('when an applicant opens another person’s case, its notices or its withdrawal, then each is not found (404)', async () => {
    assert.ok(familyCaseId, 'the application test ran first');
    // A real notice of that case, by the key its owner's page links it with.
    const [notice] = (await noticesOf(web.stack, familyCaseId)).filter((n) => n.recipient.kind === 'applicant');
    assert.ok(notice, 'the family case has a notice');
    const page = await phonePage();
    try {
      await signIn(page, web, 'nohousing', DEMO_PASSWORDS.applicant);
      for (const path of [
        `/applicant/cases/${familyCaseId}`,
        `/applicant/cases/${familyCaseId}/notices/${noticeKey(notice._id)}`,
        `/applicant/cases/${familyCaseId}/withdraw`,
      ]) {
        const res = await page.goto(`${web.baseUrl}${path}`);
        assert.equal(res?.status(), 404, path);
        await page.getByRole('heading', { name: '找不到该页面' }).waitFor();
      }
      assert.doesNotMatch(await page.content(), new RegExp(DEMO_PEOPLE.parentWithChildren.name));
      await axeCheck(page);
      const post = await page.request.post(`${web.baseUrl}/applicant/cases/${familyCaseId}/withdraw`, { form: {} });
      assert.equal(post.status(), 403, 'a post without the CSRF token is refused before anything else');
    } finally {
      await page.context().close();
    }
  });

  it('when an account’s applications naming family members were refused too often today, then the apply page says so in Chinese before the form is filled in and after it is sent, and nothing is created', async () => {
    // Arrange: the day's refusals used up (as ten applications naming members not free would).
    const today = shanghaiToday();
    await familyRefusalModel(web.stack.mongo).create({
      _id: familyRefusalId('demo-noHousing', today),
      day: today,
      count: FAMILY_REFUSALS_PER_DAY,
    });
    const page = await phonePage();
    try {
      await signIn(page, web, 'nohousing', DEMO_PASSWORDS.applicant, '/applicant/apply');
      // Said before the form is filled in; applying alone stays open.
      await page
        .getByText('今天不能再在线提交列有家庭成员的申请（明天可再试，或到户籍窗口申请）；仅为本人申请不受影响')
        .waitFor();
      await fillApplication(page);

      // Act
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/applicant/apply')),
        page.getByRole('button', { name: '提交申请' }).click(),
      ]);

      // Assert: in the page's language, with the way on (tomorrow, or a counter), not the API's English text.
      assert.equal(answer.status(), 429);
      await page.getByRole('heading', { name: '今天不能再提交申请' }).waitFor();
      const text = await page.locator('main').innerText();
      assert.match(text, /请明天再试，或携带家庭成员的证件到户籍窗口申请/);
      assert.doesNotMatch(text, /refused|apply again/i, 'not the API’s English text');
      await page.getByRole('link', { name: '我的申请' }).last().waitFor();
      await axeCheck(page);
      assert.equal(await caseModel(web.stack.mongo).countDocuments({ applicantUserId: 'demo-noHousing' }), 0);
    } finally {
      await page.context().close();
    }
  });
});
