/**
 * The officer workbench in a real browser (issue 10): two police officers and a housing officer
 * sign in at the embedded provider, find a case in their inbox, claim it, decide with a
 * confirmation (approve, reject with a reason code, a supplement request listing every item),
 * see the outcome; a step another officer holds is refused; an officer sees only their
 * department's step (or 404); a decision posted without the CSRF token is refused. axe on every
 * page; screenshots in both languages at a desk viewport.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  applicationBody,
  bearer,
  decideViaApi,
  freshChildIdNumber,
  freshIdNumber,
  submitCase,
  tokens,
  townBody,
  waitForCase,
  waitForStep,
} from '../support/api';
import { testCapacities } from '../support/capacities';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { axeCheck, launchBrowser, newPage, screenshot } from '../support/browser';
import { auditEventModel } from '../../models/audit-event.model';
import { webSessionModel } from '../../models/web-session.model';
import { DEMO_PASSWORDS, signIn, signInAgain, startWebStack, type WebStack } from '../support/web-stack';

const DESK = { width: 1280, height: 800 };

/** Zhouzhi's kindergartens are full, and the city lists the ones education may place a child at. */
const ZHOUZHI_KINDERGARTENS = ['周至县第一幼儿园', '周至县第二幼儿园'];
const capacities = testCapacities((t) => {
  t.schoolPlaces.zhouzhi.kindergarten = 0;
  t.schools = { zhouzhi: { kindergarten: ZHOUZHI_KINDERGARTENS } };
});

/**
 * Whether the page's focus comes to where `check` (an expression the page evaluates; no DOM types
 * in this project) says, within 15 s: the browser moves autofocus and a fragment's focus at its
 * next rendering update, not at load (and only once the page's style sheet is in), so a key
 * pressed before that would go to the page's body. A loaded CI machine once took over 5 s.
 */
async function focusOn(page: Page, check: string): Promise<boolean> {
  return page.waitForFunction(check, undefined, { timeout: 15_000 }).then(
    () => true,
    () => false,
  );
}

describe('web pages: the officer workbench in a real browser', () => {
  let web: WebStack;
  let browser: Browser;

  before(async () => {
    web = await startWebStack('web_officer_workbench', { capacityDir: capacities.dir });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await web?.close();
  });

  /** A town case (police + housing) whose two steps await their officers; a fresh applicant each time. */
  const awaitingCase = async (): Promise<{ caseId: string; caseNumber: string }> => {
    const sub = `applicant-web-${Math.random().toString(36).slice(2, 8)}`;
    const auth = await bearer(web.stack, { sub, role: 'applicant' });
    const caseId = await submitCase(web.stack, auth, townBody());
    await waitForStep(web.stack, caseId, 'police', 'awaiting_decision');
    const c = await waitForStep(web.stack, caseId, 'housing', 'awaiting_decision');
    return { caseId, caseNumber: c.caseNumber };
  };
  const officer = async (username: string, locale: 'zh-CN' | 'en-GB' = 'zh-CN'): Promise<Page> => {
    const page = await newPage(browser, { locale, viewport: DESK });
    await signIn(page, web, username, DEMO_PASSWORDS.officer, '/officer/inbox');
    return page;
  };
  const caseUrl = (caseId: string) => `${web.baseUrl}/officer/cases/${caseId}`;
  /** The page at `url`, whatever its query (a message after a form rides in it: web/flash.ts). */
  const atPath = (url: string) => (u: URL) => `${u.origin}${u.pathname}` === url;

  it('when two police officers work one case, then the first claims and approves it with a confirmation, and the second sees who holds it and is refused deciding it', async () => {
    // Arrange
    const { caseId, caseNumber } = await awaitingCase();
    const first = await officer('police');
    const second = await officer('police2');
    try {
      // Act + Assert: the inbox lists the case, soonest due first, nobody holds it.
      await first.goto(`${web.baseUrl}/officer/inbox`);
      const row = first.getByRole('row', { name: new RegExp(caseNumber) });
      await row.waitFor();
      await row.getByText('无人认领').waitFor();
      // How much is left, over every page: the whole inbox, and how much of it awaits a decision.
      const status = /^共(\d+)件，其中待决定(\d+)件；本页(\d+)件/.exec((await first.locator('#results').textContent()) ?? '');
      assert.ok(status, 'the inbox says how many cases it holds');
      const [total, awaiting, shown] = status.slice(1).map(Number) as [number, number, number];
      assert.ok(awaiting >= 1 && total >= awaiting && total >= shown && shown >= 1, status[0]);
      // The header offers only pages a police officer may open: not education's waiting list.
      assert.equal(await first.getByRole('link', { name: '学位轮候名单' }).count(), 0);
      await axeCheck(first);
      await screenshot(first, 'web-officer-inbox-zh-CN');

      await row.getByRole('link', { name: caseNumber }).click();
      await first.getByRole('heading', { name: `案件 ${caseNumber}` }).waitFor();
      // The lookup's finding, in words: the fresh applicant is unknown to the population register.
      await first.getByText('人口信息库中查无此人').waitFor();
      await first.getByRole('button', { name: '认领此案件' }).click();
      await first.getByText(`您已认领案件 ${caseNumber}。`).waitFor();
      await first.getByText('您已认领本环节。').waitFor();
      // The claim comes right before the decision: the page opens at its form, the next Tab its first choice.
      assert.ok(await focusOn(first, "document.activeElement?.id === 'decide-title'"), 'the decide form has the focus');
      await first.keyboard.press('Tab');
      assert.equal(await first.evaluate('document.activeElement?.getAttribute("name")'), 'decision');

      // The second officer: the inbox and the case say who holds it, no decide form is offered.
      await second.goto(`${web.baseUrl}/officer/inbox?assignedTo=nobody`);
      assert.equal(await second.getByRole('link', { name: caseNumber }).count(), 0, 'a held case is not "nobody’s"');
      await second.goto(caseUrl(caseId));
      // Named as the provider names them (the officer directory), with their account id.
      await second.getByText('本环节已由 赵警官（officer-police-1） 认领').waitFor();
      assert.equal(await second.getByRole('button', { name: '继续' }).count(), 0, 'no decide form for a step another holds');
      await axeCheck(second);
      // A decision posted anyway (the form from before the claim, say) is refused in words.
      const csrf = await second.locator('input[name=_csrf]').first().inputValue();
      const forged = await second.request.post(`${caseUrl(caseId)}/decision/confirm`, {
        form: { _csrf: csrf, requestId: crypto.randomUUID(), decision: 'approve', action: 'confirm' },
        maxRedirects: 0,
      });
      assert.equal(forged.status(), 409);
      assert.match(await forged.text(), /本环节已由其他经办人认领/);

      // The holder decides: approve, with an internal note, through the confirmation page.
      await first.goto(caseUrl(caseId));
      await axeCheck(first);
      await screenshot(first, 'web-officer-case-zh-CN');
      // The form is screens down the page: a link near the top takes the keyboard there.
      await first.getByRole('link', { name: '跳至“作出决定”' }).press('Enter');
      assert.ok(await focusOn(first, "document.activeElement?.id === 'decide-title'"), 'the jump link focuses the form');
      await first.getByLabel('通过', { exact: true }).check();
      await first.getByLabel('内部备注（选填）').fill('已与申请人电话核实身份（警方内部）');
      await first.getByRole('button', { name: '继续' }).click();
      await first.getByRole('heading', { name: '确认决定' }).waitFor();
      await axeCheck(first);
      await screenshot(first, 'web-officer-confirm-zh-CN');
      // Change brings the form back as it was, with the focus on it rather than the page's top.
      await first.getByRole('button', { name: '修改' }).click();
      assert.ok(await focusOn(first, "document.activeElement?.id === 'decide-title'"), 'the form shown again has the focus');
      assert.ok(await first.getByLabel('通过', { exact: true }).isChecked());
      await first.getByRole('button', { name: '继续' }).click();
      await first.getByRole('heading', { name: '确认决定' }).waitFor();
      // The confirmation has an address of its own (a reload shows it again), the decision in it sealed.
      const confirmation = first.url();
      assert.match(confirmation, /\/decision\/confirm\?draft=/);
      assert.doesNotMatch(decodeURIComponent(confirmation), /已与申请人电话核实/, 'the note cannot be read from the address');
      await first.reload();
      await first.getByRole('heading', { name: '确认决定' }).waitFor();
      await first.getByText('已与申请人电话核实身份（警方内部）').waitFor();
      // An address whose draft does not open (expired, altered, another's) says so on the case page.
      await first.goto(confirmation.replace(/draft=(.{8})/, (_m, head: string) => `draft=${[...head].reverse().join('')}`));
      await first.waitForURL(atPath(caseUrl(caseId)));
      await first.getByRole('status').getByText('该确认页已过期（超过4小时）或不属于您：未作任何处理，请重新办理。').waitFor();
      await first.goto(confirmation);
      await first.getByRole('heading', { name: '确认决定' }).waitFor();
      await first.getByRole('button', { name: '确认' }).click();
      await first.waitForURL(atPath(caseUrl(caseId)));
      await first.getByText(`已对案件 ${caseNumber} 作出决定：通过。本环节现为：已通过。`).waitFor();
      // The page under the banner is drawn after the read model shows the decision: no form is left
      // to decide again (counted at once, not waited for).
      assert.equal(
        await first.getByRole('button', { name: '继续' }).count(),
        0,
        'the page after the decision still offers its form',
      );
      assert.equal(
        await first
          .locator('dd')
          .filter({ hasText: /^已通过$/ })
          .count(),
        1,
        'the step’s status row is not yet approved',
      );
      await axeCheck(first);
      // Back after deciding finds the case page, saying the step is decided, not the browser's
      // "resubmit the form?" nor a confirmation of a decision already made.
      await first.goBack();
      await first.waitForURL(atPath(caseUrl(caseId)));
      await first
        .getByRole('heading', { name: `案件 ${caseNumber}` })
        .first()
        .waitFor();
      assert.equal(await first.getByRole('heading', { name: '确认决定' }).count(), 0);
      assert.equal(await first.getByRole('button', { name: '继续' }).count(), 0, 'no form to decide again');
      const c = await waitForStep(web.stack, caseId, 'police', 'approved');
      assert.equal(c.steps.police?.decision?.by, 'officer-police-1');
    } finally {
      await first.context().close();
      await second.context().close();
    }
  });

  it('when a housing officer asks for material in English, then a missing list is an error next to the field, the request lists every item, they never see the police step, and material handed in at the counter is recorded item by item', async () => {
    // Arrange
    const { caseId, caseNumber } = await awaitingCase();
    const housing = await officer('housing', 'en-GB');
    try {
      await housing.goto(`${web.baseUrl}/officer/inbox?route=town&status=awaiting_decision`);
      await housing.getByRole('link', { name: caseNumber }).waitFor();
      await axeCheck(housing);
      await screenshot(housing, 'web-officer-inbox-en');
      await housing.getByRole('link', { name: caseNumber }).click();
      await housing.getByRole('heading', { name: `Case ${caseNumber}` }).waitFor();
      await axeCheck(housing);
      await screenshot(housing, 'web-officer-case-en');

      // Act: ask for material without listing any.
      await housing.getByLabel('Ask for supplementary material').check();
      await housing.getByRole('button', { name: 'Continue' }).click();

      // Assert: the error summary links to the field, the field says what is wrong.
      const summary = housing.locator('.error-summary');
      await summary.getByRole('link', { name: 'List the missing material, one item a line' }).waitFor();
      assert.equal(await summary.getByRole('link').first().getAttribute('href'), '#missing');
      assert.equal(await housing.locator('#missing').getAttribute('aria-invalid'), 'true', 'the field is marked invalid');
      assert.equal(await housing.locator('#reasonText').getAttribute('aria-invalid'), null);
      assert.match(await housing.title(), /^Error: /);
      await axeCheck(housing);
      await screenshot(housing, 'web-officer-case-errors-en');

      // Act: list the items, one a line (一次性告知), and confirm.
      await housing.getByLabel('Everything that is missing').fill('房屋产权证明原件\n\n  公共租赁住房使用证明  \n');
      await housing.getByRole('button', { name: 'Continue' }).click();
      await housing.getByRole('heading', { name: 'Check your decision' }).waitFor();
      const items = housing.locator('.summary-list ol li');
      assert.deepEqual(await items.allInnerTexts(), ['房屋产权证明原件', '公共租赁住房使用证明']);
      await axeCheck(housing);
      await screenshot(housing, 'web-officer-confirm-en');
      await housing.getByText('counted in working days, shown once you confirm').waitFor();
      await housing.getByRole('button', { name: 'Confirm' }).click();
      await housing.waitForURL(atPath(caseUrl(caseId)));
      // The banner names the applicant's deadline, the one the workflow set (the case page's, below).
      const banner = await housing.getByText(`Case ${caseNumber}: you decided to ask for supplementary material.`).innerText();
      const due = /The applicant’s material is due (.+?)(?: \(provisional: .*\))?; this step’s deadline is paused\.$/.exec(
        banner,
      )?.[1];
      assert.ok(due, banner);

      const c = await waitForStep(web.stack, caseId, 'housing', 'supplement_requested');
      assert.deepEqual(c.steps.housing?.supplement?.missing, ['房屋产权证明原件', '公共租赁住房使用证明']);
      // The police step is only a status here: no police findings, no police decision form.
      await housing.reload();
      await housing.getByRole('heading', { name: 'Other departments’ steps' }).waitFor();
      assert.equal(await housing.getByText('not found in the population register').count(), 0);
      await housing.getByText('Supplement requests: 1 of 1 made').waitFor();
      // The step's own deadline is paused while the applicant's runs: the page shows theirs, marked
      // provisional when it runs into a year without a holiday calendar.
      await housing
        .getByText(/^applicant’s material due .* \((provisional; )?this step’s deadline paused\)$/)
        .first()
        .waitFor();
      assert.ok(await housing.getByText(`applicant’s material due ${due} (`).count(), `the banner's ${due} is the case page's`);

      // The applicant brings the material to the housing counter instead (the letter offers it):
      // each item is recorded, a blank one named next to its field.
      await housing.getByRole('heading', { name: 'Material handed in at the counter' }).waitFor();
      await housing.getByLabel('公共租赁住房使用证明').fill('西安市公租房使用证 2024-0815');
      await housing.getByRole('button', { name: 'Record as received' }).click();
      await housing.locator('#counter-0-reference-error').getByText('Say what was received for “房屋产权证明原件”').waitFor();
      assert.equal(await housing.getByLabel('公共租赁住房使用证明').inputValue(), '西安市公租房使用证 2024-0815', 'values kept');
      await axeCheck(housing);
      await housing.getByLabel('房屋产权证明原件').fill('不动产权证 陕(2024)鄠邑区0012345号 原件已核');
      await housing.getByRole('button', { name: 'Record as received' }).click();
      await housing
        .getByText(`Material received at the counter recorded for ${caseNumber}; the step awaits a decision.`)
        .waitFor();
      const back = await waitForStep(web.stack, caseId, 'housing', 'awaiting_decision');
      assert.deepEqual(
        back.steps.housing?.supplement?.provided?.map((i) => i.reference),
        ['不动产权证 陕(2024)鄠邑区0012345号 原件已核', '西安市公租房使用证 2024-0815'],
      );
    } finally {
      await housing.context().close();
    }
  });

  it('when a police officer refuses a case, then the reasons offered are the town route’s for police only, and the case page shows the refusal with its reason', async () => {
    // Arrange
    const { caseId, caseNumber } = await awaitingCase();
    const police = await officer('police');
    try {
      await police.goto(caseUrl(caseId));
      // §1 全面放开: a criminal record is no reason on the town route, so it is not offered; nor is
      // incomplete material before the police have asked for it (一次性告知).
      const offered = await police
        .locator('#reasonCode option')
        .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
      assert.deepEqual(offered, ['', 'identity_mismatch', 'fraudulent_material', 'other']);

      // Act: refuse without a reason first, then with one.
      await police.getByLabel('不予通过', { exact: true }).check();
      await police.getByRole('button', { name: '继续' }).click();
      await police.locator('.error-summary').getByRole('link', { name: '请选择不予通过的理由' }).waitFor();
      await axeCheck(police);
      await police.getByLabel('不予通过的理由').selectOption('identity_mismatch');
      await police.getByLabel('告知申请人的理由说明').fill('经核查，身份信息与人口信息库登记不一致。');
      await police.getByRole('button', { name: '继续' }).click();
      await police.getByText('整个申请不予落户').waitFor();
      await police.getByRole('button', { name: '确认' }).click();
      await police.waitForURL(atPath(caseUrl(caseId)));

      // Assert
      await police.getByText(`已对案件 ${caseNumber} 作出决定：不予通过。本环节现为：未通过。`).waitFor();
      // The page reads the read model, which may trail the workflow a moment: once it has the decision, so does the page.
      await waitForCase(web.stack, caseId, (c) => c.status === 'rejected', 'case rejected');
      await police.reload();
      const decision = police.locator('.summary-list').filter({ hasText: '决定人' });
      await decision.getByText('身份信息与人口信息库登记不一致').first().waitFor();
      await decision.getByText('经核查，身份信息与人口信息库登记不一致。').waitFor();
      await axeCheck(police);
    } finally {
      await police.context().close();
    }
  });

  it('when an officer’s session ends while they type a refusal, then nothing is decided, the page gives back what they typed, and signing in again returns to the case', async () => {
    // Arrange: a refusal typed out on the case page.
    const { caseId } = await awaitingCase();
    const police = await officer('police');
    try {
      await police.goto(caseUrl(caseId));
      await police.getByLabel('不予通过', { exact: true }).check();
      await police.getByLabel('不予通过的理由').selectOption('identity_mismatch');
      const typed = '经核查，身份信息与人口信息库登记不一致。\n请携带户口簿原件到派出所核对。';
      await police.getByLabel('告知申请人的理由说明').fill(typed);
      const note = '申请人电话 029-1234567 未接通';
      await police.getByLabel('内部备注（选填）').fill(note);

      // Act: the session ends (idle too long) before the officer presses Continue.
      const cookie = (await police.context().cookies()).find((c) => c.name === 'hukou.sid')!;
      const sid = decodeURIComponent(cookie.value).replace(/^s:/, '').split('.')[0]!;
      assert.equal((await webSessionModel(web.stack.mongo).deleteOne({ _id: sid })).deletedCount, 1);
      await police.getByRole('button', { name: '继续' }).click();

      // Assert: said as such, with the text to copy; nothing was decided.
      await police.getByRole('heading', { name: '登录已过期，本次提交未生效' }).waitFor();
      assert.equal(await police.getByLabel(/^您刚才填写的文字如下/).inputValue(), `${typed}\n\n${note}`);
      await axeCheck(police);
      const c = await waitForStep(web.stack, caseId, 'police', 'awaiting_decision');
      assert.equal(c.steps.police?.decision, undefined, 'nothing was decided');
      // Signing in again (the provider remembers the officer, or asks again) leads back to the case.
      await police.getByRole('button', { name: '重新登录' }).click();
      await signInAgain(police, web, 'police', DEMO_PASSWORDS.officer);
      await police.waitForURL(atPath(caseUrl(caseId)));
      await police.getByLabel('告知申请人的理由说明').waitFor();
    } finally {
      await police.context().close();
    }
  });

  it('when an officer opens a case that has no step of their department, then it is not found (404), and a decision posted without its CSRF token is refused (403)', async () => {
    // Arrange
    const { caseId } = await awaitingCase();
    const education = await officer('education');
    const police = await officer('police', 'en-GB');
    try {
      // Act + Assert: a town case without children has no education step.
      const res = await education.goto(caseUrl(caseId));
      assert.equal(res?.status(), 404);
      await axeCheck(education);
      // The education officer's own page: the school waiting list (empty here).
      await education.getByRole('link', { name: '学位轮候名单' }).click();
      await education.getByRole('heading', { name: '学位轮候名单' }).waitFor();
      await axeCheck(education);
      await screenshot(education, 'web-officer-waitlist-zh-CN');
      await education.goto(`${web.baseUrl}/officer/school-waitlist?lang=en`);
      await education.getByRole('heading', { name: 'School waiting list' }).waitFor();
      await axeCheck(education);
      await screenshot(education, 'web-officer-waitlist-en');
      const notEducation = await police.goto(`${web.baseUrl}/officer/school-waitlist`);
      assert.equal(notEducation?.status(), 403);

      const forged = await police.request.post(`${caseUrl(caseId)}/decision/confirm`, {
        form: { requestId: crypto.randomUUID(), decision: 'approve', action: 'confirm' },
        maxRedirects: 0,
      });
      assert.equal(forged.status(), 403);
      // A request outside the page carries no language preference: the Chinese default.
      assert.match(await forged.text(), /表单已失效/);
      const c = await waitForStep(web.stack, caseId, 'police', 'awaiting_decision');
      assert.equal(c.steps.police?.decision, undefined, 'nothing was decided');

      // Claim and release: the step is nobody's again.
      await police.goto(caseUrl(caseId));
      await police.getByRole('button', { name: 'Claim this case' }).click();
      await police.getByRole('button', { name: 'Release this case' }).click();
      await police.getByText('You have released case').waitFor();
      await police.getByText('Nobody holds this step yet.').waitFor();
      await axeCheck(police);
    } finally {
      await education.context().close();
      await police.context().close();
    }
  });
  it('when an officer of another district opens a case, then it is not found (404) as a missing one, their inbox does not list it and offers only their areas', async () => {
    // Arrange: a town case in huyi; police-yanta acts for 雁塔区 only (tools/identity/accounts.dev.json).
    const { caseId, caseNumber } = await awaitingCase();
    const yanta = await officer('police-yanta');
    const city = await officer('police');
    try {
      // Act
      const theirs = await yanta.goto(caseUrl(caseId));
      const theirsText = await yanta.locator('main').innerText();
      const missing = await yanta.goto(caseUrl('00000000-0000-4000-8000-000000000000'));
      const missingText = await yanta.locator('main').innerText();
      await yanta.goto(`${web.baseUrl}/officer/inbox`);
      const listed = await yanta.locator('main').innerText();
      const areas = await yanta
        .locator('select[name=area] option')
        .evaluateAll((os) => os.map((o) => o.getAttribute('value') ?? ''));
      await city.goto(`${web.baseUrl}/officer/inbox?area=huyi`);

      // Assert
      assert.equal(theirs?.status(), 404);
      assert.equal(missing?.status(), 404);
      assert.equal(theirsText, missingText, 'the same page as for a case that does not exist');
      assert.doesNotMatch(listed, new RegExp(caseNumber));
      assert.deepEqual(
        areas.filter((a) => a !== ''),
        ['yanta'],
      );
      await city.getByText(caseNumber).first().waitFor();
      await axeCheck(yanta);
      // Filtering from the keyboard lands on the results, not back at the top of the page: the
      // next Tab is the first case. The inbox opened plainly starts at the top.
      await city.goto(`${web.baseUrl}/officer/inbox`);
      assert.equal(await focusOn(city, "document.activeElement?.id === 'results'"), false, 'a plain inbox starts at the top');
      await city.locator('select[name=area]').selectOption('huyi');
      await city.locator('form.filters button[type=submit]').click();
      await city.waitForURL(/\/officer\/inbox\?.*area=huyi/);
      assert.ok(await focusOn(city, "document.activeElement?.id === 'results'"), 'the results have the focus');
      await city.keyboard.press('Tab');
      assert.ok(
        await focusOn(city, "(document.activeElement?.getAttribute('href') ?? '').startsWith('/officer/cases/')"),
        'the next Tab is the first case',
      );
      // Asking for the other area by its link lists nothing, as the API does, and says which filter applies.
      await yanta.goto(`${web.baseUrl}/officer/inbox?area=huyi`);
      assert.doesNotMatch(await yanta.locator('main').innerText(), new RegExp(caseNumber));
      assert.equal(await yanta.locator('select[name=area]').inputValue(), 'huyi');
    } finally {
      await yanta.context().close();
      await city.context().close();
    }
  });

  it('when an inbox link gives a filter a value the form does not offer, then the page says so at that field (400) and lists nothing, as the API refuses it', async () => {
    // Arrange: a case the unfiltered inbox lists.
    const { caseNumber } = await awaitingCase();
    const police = await officer('police');
    try {
      // Act: an edited link (an unknown area, the form's empty "any" for status).
      const res = await police.goto(`${web.baseUrl}/officer/inbox?status=&area=nowhere`);

      // Assert
      assert.equal(res?.status(), 400);
      const summary = police.locator('.error-summary');
      await summary.getByRole('link', { name: '“nowhere”不是此项可选的值：请从列表中选择。' }).waitFor();
      assert.equal(await police.locator('select[name=area]').getAttribute('aria-invalid'), 'true');
      assert.equal(await police.locator('select[name=status]').getAttribute('aria-invalid'), null, 'empty is "any"');
      assert.doesNotMatch(await police.locator('main').innerText(), new RegExp(caseNumber));
      await axeCheck(police);
      // A filter given twice takes neither: one value only.
      const twice = await police.goto(`${web.baseUrl}/officer/inbox?route=points&route=points`);
      assert.equal(twice?.status(), 400);
      await police.locator('.error-summary').getByRole('link', { name: '此项只能选择一个值：请从列表中选择。' }).waitFor();
      // Choosing from the list again lists the case.
      await police.locator('select[name=area]').selectOption('');
      await police.locator('form.filters button[type=submit]').click();
      await police.getByText(caseNumber).first().waitFor();
    } finally {
      await police.context().close();
    }
  });

  it('when an officer decides a case, then the next case they may decide is offered in the banner, focused, and Enter opens it', async () => {
    // Arrange: two cases awaiting the housing officer.
    const decided = await awaitingCase();
    await awaitingCase();
    const housing = await officer('housing');
    try {
      await housing.goto(caseUrl(decided.caseId));
      await housing.getByLabel('通过', { exact: true }).check();
      await housing.getByRole('button', { name: '继续' }).click();

      // Act: the confirmation page has its button focused, so Enter confirms.
      await housing.getByRole('heading', { name: '确认决定' }).waitFor();
      // Chromium applies autofocus after the page is drawn, not with it: wait for it (a person does).
      assert.ok(
        await focusOn(housing, "document.activeElement?.getAttribute('value') === 'confirm'"),
        'the confirm button has the focus',
      );
      await housing.keyboard.press('Enter');
      await housing.waitForURL(atPath(caseUrl(decided.caseId)));
      const next = housing.locator('a.banner__next');
      await next.waitFor();
      assert.ok(
        await focusOn(housing, "document.activeElement?.classList.contains('banner__next') === true"),
        'the next-case link has the focus',
      );
      await housing.keyboard.press('Enter');
      await housing.waitForURL((url) => url.pathname.startsWith('/officer/cases/') && !url.pathname.endsWith(decided.caseId));

      // Assert: another case, one the officer may decide now.
      assert.match((await housing.title()) + (await housing.locator('h1').textContent()), /HK-\d{4}-\d{6}/);
      await housing.getByRole('button', { name: '继续' }).waitFor();
      await axeCheck(housing);
    } finally {
      await housing.context().close();
    }
  });
  it('when an officer claims two cases in two tabs at once, then each tab’s message names its own case', async () => {
    // Arrange: two cases, each open in its own tab of one signed-in browser.
    const [a, b] = [await awaitingCase(), await awaitingCase()];
    const first = await officer('police2');
    const second = await first.context().newPage();
    try {
      await Promise.all([first.goto(caseUrl(a.caseId)), second.goto(caseUrl(b.caseId))]);

      // Act
      await Promise.all([
        first.getByRole('button', { name: '认领此案件' }).click(),
        second.getByRole('button', { name: '认领此案件' }).click(),
      ]);

      // Assert: the message rides in each tab's own URL, not in the one session both share.
      await first.getByRole('status').getByText(`您已认领案件 ${a.caseNumber}。`).waitFor();
      await second.getByRole('status').getByText(`您已认领案件 ${b.caseNumber}。`).waitFor();
      assert.equal(await first.getByText(b.caseNumber).count(), 0, 'no word of the other tab’s case');
      assert.equal(await second.getByText(a.caseNumber).count(), 0, 'no word of the other tab’s case');
    } finally {
      await first.context().close();
    }
  });

  it('§2 when HR chooses to approve a case below the threshold, then the form says at once why it cannot and what to decide, with no confirmation page', async () => {
    // Arrange: a points case scoring below the threshold (the demo person pointsLow), HR's step awaiting its officer.
    const auth = await bearer(web.stack, { sub: `applicant-web-${Math.random().toString(36).slice(2, 8)}`, role: 'applicant' });
    const caseId = await submitCase(web.stack, auth, applicationBody(DEMO_PEOPLE.pointsLow));
    await waitForStep(web.stack, caseId, 'hrss', 'awaiting_decision');
    const hr = await officer('hrss');
    try {
      await hr.goto(caseUrl(caseId));
      await hr.getByLabel('通过', { exact: true }).check();

      // Act
      await hr.getByRole('button', { name: '继续' }).click();

      // Assert: refused at the field, naming the reason as the form lists it; nothing to confirm.
      const summary = hr.locator('.error-summary');
      await summary.getByText(/^不能准予：总分\d+分，落户分值线\d+分。.*“积分未达到落户分值要求”/).waitFor();
      assert.equal(await hr.getByRole('heading', { name: '确认决定' }).count(), 0);
      await axeCheck(hr);
      const c = await waitForStep(web.stack, caseId, 'hrss', 'awaiting_decision');
      assert.equal(c.steps.hrss?.decision, undefined, 'nothing decided');
    } finally {
      await hr.context().close();
    }
  });

  it('§21–23 when the city lists an area’s kindergartens, then education places a waiting child by choosing one, and sending none is refused at the field', async () => {
    // Arrange: a Zhouzhi family whose kindergartner waits (no place left), education having approved.
    const auth = await bearer(web.stack, { sub: `applicant-web-${Math.random().toString(36).slice(2, 8)}`, role: 'applicant' });
    const child = { idNumber: freshChildIdNumber('20220301'), name: '李小禾', relation: 'child', schoolLevel: 'kindergarten' };
    const caseId = await submitCase(web.stack, auth, townBody(freshIdNumber(), { town: 'zhouzhi', family: [child] }));
    await waitForStep(web.stack, caseId, 'education', 'awaiting_decision');
    await decideViaApi(web.stack, (await tokens(web.stack)).education, caseId, 'education');
    const { caseNumber } = await waitForCase(
      web.stack,
      caseId,
      (c) => c.schoolPlacements?.[0]?.status === 'waiting',
      'child waiting',
    );
    const education = await officer('education');
    try {
      await education.goto(`${web.baseUrl}/officer/school-waitlist`);
      const row = education.getByRole('row', { name: new RegExp(caseNumber) });
      const field = row.getByLabel(`为案件 ${caseNumber} 的李小禾安排的学校或幼儿园`);
      // A list to choose from, not a field to type a name into.
      assert.deepEqual((await field.locator('option').allTextContents()).slice(1), ZHOUZHI_KINDERGARTENS);

      // Act + Assert: nothing chosen is refused at the field, the child still waiting.
      await row.getByRole('button', { name: '安排学位' }).click();
      await education.locator('.error-summary').getByText('请从本区域的学校或幼儿园中选择一所').waitFor();
      await axeCheck(education);
      const again = education.getByRole('row', { name: new RegExp(caseNumber) });
      await again.getByLabel(`为案件 ${caseNumber} 的李小禾安排的学校或幼儿园`).selectOption('周至县第二幼儿园');
      await again.getByRole('button', { name: '安排学位' }).click();
      // Nothing is placed before the confirmation; Change returns to the list, the school still
      // chosen and its list focused, so a slip of the arrow key is put right from the keyboard.
      await education.getByRole('heading', { name: '确认安排学位' }).waitFor();
      await education.getByText('周至县第二幼儿园', { exact: true }).waitFor();
      assert.equal((await waitForCase(web.stack, caseId, () => true, 'case read')).schoolPlacements?.[0]?.status, 'waiting');
      await education.getByRole('button', { name: '修改' }).click();
      const chosen = education
        .getByRole('row', { name: new RegExp(caseNumber) })
        .getByLabel(`为案件 ${caseNumber} 的李小禾安排的学校或幼儿园`);
      assert.equal(await chosen.inputValue(), '周至县第二幼儿园');
      assert.equal(
        await education.evaluate('document.activeElement?.id'),
        await chosen.getAttribute('id'),
        'this child’s school list is focused',
      );
      await education
        .getByRole('row', { name: new RegExp(caseNumber) })
        .getByRole('button', { name: '安排学位' })
        .click();
      await education.getByRole('button', { name: '确认' }).click();
      await education
        .getByRole('status')
        .getByText(`已为案件 ${caseNumber} 的随迁子女李小禾安排学位：周至县第二幼儿园。`)
        .waitFor();
      const placed = await waitForCase(web.stack, caseId, (c) => c.schoolPlacements?.[0]?.status === 'placed', 'child placed');
      assert.equal(placed.schoolPlacements?.[0]?.school, '周至县第二幼儿园');
      // Back after placing finds the waiting list, the child off it, not the browser's "resubmit the form?".
      await education.goBack();
      await education.waitForURL((u) => u.pathname === '/officer/school-waitlist');
      await education.getByRole('heading', { name: '学位轮候名单' }).waitFor();
      assert.equal(await education.getByRole('row', { name: new RegExp(caseNumber) }).count(), 0, 'placed: off the list');
    } finally {
      await education.context().close();
    }
  });

  it('§21–23 when education places a child before one who has waited longer, then the confirmation names the child ahead and asks why, and the case record keeps the reason', async () => {
    // Arrange: two Zhouzhi kindergartners wait, 李小溪 first.
    const waitingChild = async (name: string, born: string) => {
      const auth = await bearer(web.stack, { sub: `applicant-web-${Math.random().toString(36).slice(2, 8)}`, role: 'applicant' });
      const child = { idNumber: freshChildIdNumber(born), name, relation: 'child', schoolLevel: 'kindergarten' };
      const caseId = await submitCase(web.stack, auth, townBody(freshIdNumber(), { town: 'zhouzhi', family: [child] }));
      await waitForStep(web.stack, caseId, 'education', 'awaiting_decision');
      await decideViaApi(web.stack, (await tokens(web.stack)).education, caseId, 'education');
      const c = await waitForCase(web.stack, caseId, (x) => x.schoolPlacements?.[0]?.status === 'waiting', `${name} waiting`);
      return { caseId, caseNumber: c.caseNumber };
    };
    const first = await waitingChild('李小溪', '20220401');
    const later = await waitingChild('王小川', '20220501');
    const education = await officer('education');
    try {
      await education.goto(`${web.baseUrl}/officer/school-waitlist`);
      const row = education.getByRole('row', { name: new RegExp(later.caseNumber) });
      await row.getByLabel(`为案件 ${later.caseNumber} 的王小川安排的学校或幼儿园`).selectOption('周至县第一幼儿园');
      await row.getByRole('button', { name: '安排学位' }).click();

      // Assert: the confirmation says who has waited longer, and asks why (focused, so it is typed at once).
      await education.getByRole('heading', { name: '确认安排学位' }).waitFor();
      await education
        .getByText(`轮候名单上有1名同一地区、同一学段的儿童比王小川等候更久：案件 ${first.caseNumber} 的李小溪。`, {
          exact: false,
        })
        .waitFor();
      assert.equal(await education.evaluate('document.activeElement?.id'), 'place-note');
      await axeCheck(education);
      await education.getByRole('button', { name: '确认' }).click();
      await education.locator('.error-summary a[href="#place-note"]').getByText('请写明不按轮候顺序安排的理由').waitFor();
      assert.equal(
        (await waitForCase(web.stack, later.caseId, () => true, 'case read')).schoolPlacements?.[0]?.status,
        'waiting',
        'nothing placed without a reason',
      );
      await education.getByLabel('不按轮候顺序安排的理由').fill('李小溪家长申请暂缓入园');
      await education.getByRole('button', { name: '确认' }).click();
      await education
        .getByRole('status')
        .getByText(`已为案件 ${later.caseNumber} 的随迁子女王小川安排学位：周至县第一幼儿园。`)
        .waitFor();
      await waitForCase(web.stack, later.caseId, (c) => c.schoolPlacements?.[0]?.status === 'placed', 'placed out of turn');
      const placed = await auditEventModel(web.stack.mongo)
        .findOne({ caseId: later.caseId, type: 'school_place_confirmed' })
        .lean();
      assert.equal(placed?.why, '李小溪家长申请暂缓入园', 'the reason is in the case record');

      // The child ahead, placed in turn, is asked for no reason.
      await education.goto(`${web.baseUrl}/officer/school-waitlist`);
      const firstRow = education.getByRole('row', { name: new RegExp(first.caseNumber) });
      await firstRow.getByLabel(`为案件 ${first.caseNumber} 的李小溪安排的学校或幼儿园`).selectOption('周至县第一幼儿园');
      await firstRow.getByRole('button', { name: '安排学位' }).click();
      await education.getByRole('heading', { name: '确认安排学位' }).waitFor();
      assert.equal(await education.getByLabel('不按轮候顺序安排的理由').count(), 0);
      assert.equal(await education.evaluate('document.activeElement?.textContent?.trim()'), '确认');
    } finally {
      await education.context().close();
    }
  });
});
