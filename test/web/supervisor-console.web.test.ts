/**
 * The supervisor console in a real browser (issue 11): a supervisor finds an overdue case in the
 * stuck list, downloads the list as CSV, opens the case, is told what a reason-less form lacks,
 * extends the deadline, and the case leaves the overdue list; a terminated case (after a
 * confirmation) shows its compensations undone in reverse order of commit. axe on every page;
 * screenshots in both languages at a desk viewport.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { accessRecordModel } from '../../models/access-record.model';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import {
  applicationBody,
  bearer,
  decideViaApi,
  knownOfficer,
  submitCase,
  townBody,
  waitForCase,
  waitForStatus,
} from '../support/api';
import { axeCheck, launchBrowser, newPage, screenshot } from '../support/browser';
import { eventually } from '../support/stack';
import { DEMO_PASSWORDS, signIn, startWebStack, type WebStack } from '../support/web-stack';

const DESK = { width: 1280, height: 900 };

describe('web pages: the supervisor console in a real browser', () => {
  let web: WebStack;
  let browser: Browser;

  before(async () => {
    // Police decisions are due 2 s after they are asked for: overdue without waiting long.
    web = await startWebStack('web_supervisor_console', {
      env: { DEADLINE_CLOCK: 'elapsed', SLA_POLICE_MS: '2000', TEMPORAL_UI_URL: 'http://127.0.0.1:8233' },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await web?.close();
  });

  const supervisor = async (locale: 'zh-CN' | 'en-GB' = 'zh-CN'): Promise<Page> => {
    const page = await newPage(browser, { locale, viewport: DESK });
    await signIn(page, web, 'supervisor', DEMO_PASSWORDS.supervisor, '/supervisor/stuck');
    return page;
  };
  /** axe and a screenshot in the page's language, then the same in the other language (and back). */
  const inBothLanguages = async (page: Page, name: string, first: 'zh-CN' | 'en' = 'zh-CN'): Promise<void> => {
    const other = first === 'zh-CN' ? 'en' : 'zh-CN';
    const back = new URL(page.url());
    // As the header's switch does: the banner was worded in the language being left.
    back.searchParams.delete('flash');
    await axeCheck(page);
    await screenshot(page, `web-supervisor-${name}-${first}`);
    await page.goto(`${web.baseUrl}/lang/${other}?back=${encodeURIComponent(back.pathname + back.search)}`);
    await axeCheck(page);
    await screenshot(page, `web-supervisor-${name}-${other}`);
    await page.goto(`${web.baseUrl}/lang/${first}?back=${encodeURIComponent(back.pathname + back.search)}`);
  };

  it('when a police step passes its deadline, then the supervisor finds the case in the overdue list and its CSV, extends the deadline with a reason, and the case leaves the list', async () => {
    // Arrange: a town case whose police decision is overdue.
    const applicant = await bearer(web.stack, { sub: `applicant-sup-${Date.now()}`, role: 'applicant' });
    const caseId = await submitCase(web.stack, applicant, townBody());
    const overdue = await waitForCase(web.stack, caseId, (c) => c.steps.police?.overdue === true, 'police overdue');
    const { caseNumber } = overdue;
    const page = await supervisor();
    try {
      // Act + Assert: the list (overdue is the first tab), its counts and its CSV.
      await page.goto(`${web.baseUrl}/supervisor/stuck?reason=overdue&area=huyi`);
      // Each list says what it holds, so a figure copied from it is read as what it counts.
      await page.getByText(/^已超过办理期限的案件：/).waitFor();
      const row = page.getByRole('row', { name: new RegExp(caseNumber) });
      await row.waitFor();
      await row.getByText('公安').first().waitFor();
      // With the deadline it missed, so a report says how late, not only whose.
      await row.getByText(/\d{2}:\d{2}到期/).waitFor();
      await page.getByRole('heading', { name: '各部门涉及件数' }).waitFor();
      await inBothLanguages(page, 'stuck-overdue');
      // Filtering lands on the results, focused, not back at the top of the page; a tab opened
      // plainly starts at the top.
      await page.goto(`${web.baseUrl}/supervisor/stuck?reason=overdue`);
      await page.waitForTimeout(500);
      assert.notEqual(await page.evaluate('document.activeElement?.id'), 'results', 'a tab starts at the top');
      await page.locator('form.filters:not([role=search]) button[type=submit]').click();
      await page.waitForURL(/\/supervisor\/stuck\?reason=\w+&/);
      await page.waitForFunction("document.activeElement?.id === 'results'", undefined, { timeout: 15_000 });
      await page.goto(`${web.baseUrl}/supervisor/stuck?reason=overdue&area=huyi`);
      // The list hands its filters to the bulk page; unfiltered by department, it says it takes the
      // busiest department's share (bulk actions go one department at a time).
      await page.getByRole('link', { name: /^批量处理其中市公安局的案件（该部门件数最多/ }).waitFor();
      await page.goto(`${web.baseUrl}/supervisor/stuck?reason=overdue&area=huyi&department=police`);
      await page.getByRole('link', { name: '批量处理这些案件（市公安局）' }).click();
      await page.getByRole('heading', { name: '批量处置' }).waitFor();
      await page.getByRole('group', { name: /市公安局 · 鄠邑区/ }).waitFor();
      await page.getByRole('row', { name: new RegExp(caseNumber) }).waitFor();
      await page.goto(`${web.baseUrl}/supervisor/stuck?reason=overdue&area=huyi`);
      const csv = await page.request.get(`${web.baseUrl}/supervisor/stuck.csv?reason=overdue&area=huyi`);
      assert.equal(csv.status(), 200);
      assert.match(csv.headers()['content-type'] ?? '', /^text\/csv/);
      // Named by the office's day (Beijing), not UTC's.
      assert.match(csv.headers()['content-disposition'] ?? '', new RegExp(`stuck-overdue-${shanghaiToday()}-huyi\\.csv`));
      const csvText = await csv.text();
      assert.ok(csvText.startsWith('\uFEFF"case_number","case_id"'), csvText.slice(0, 80));
      assert.ok(csvText.includes(`"${caseNumber}","${caseId}"`), 'the overdue case is a row of the CSV');
      // Codes, for a program: departments by code, never in words.
      assert.ok(/\bpolice\b/.test(csvText) && !csvText.includes('市公安局'), csvText.slice(0, 400));
      assert.match(csvText, /"police=\d{4}-\d{2}-\d{2}T[\d:.]+Z"/, 'the missed deadline, by code and instant');
      // The list as the page shows it, for a report: headings and words in Chinese, Beijing time.
      const tableCsv = await page.request.get(
        new URL(
          (await page.getByRole('link', { name: '下载当前列表（CSV，同上表，可用于报告）' }).getAttribute('href'))!,
          web.baseUrl,
        ).toString(),
      );
      const tableLines = (await tableCsv.text()).replace(/^\uFEFF/, '').split('\r\n');
      assert.ok(tableLines[0]!.startsWith('"受理编号","落户类型","区县 / 乡镇","办理状态"'), tableLines[0]);
      const line = tableLines.find((l) => l.startsWith(`"${caseNumber}"`)) ?? '';
      assert.match(line, /"鄠邑区","[^"]+","\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}","[^"]*市公安局/, line);
      assert.match(line, /"市公安局 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}"/, 'the missed deadline in words');
      // Each row says what the list holds and when it was taken (a file pasted into a report still says).
      assert.ok(tableLines[0]!.endsWith('"统计范围","名单生成时间（北京时间）"'), tableLines[0]);
      assert.match(line, /"鄠邑区，全部落户途径，全部部门","\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}"$/, line);
      // In English, the departments' names (which hold spaces) are set apart by commas, items by semicolons.
      const tableHref = (await page.getByRole('link', { name: '下载当前列表（CSV，同上表，可用于报告）' }).getAttribute('href'))!;
      await page.goto(`${web.baseUrl}/lang/en?back=${encodeURIComponent('/supervisor/stuck?reason=overdue&area=huyi')}`);
      const enLines = (await (await page.request.get(new URL(tableHref, web.baseUrl).toString())).text()).split('\r\n');
      const enLine = enLines.find((l) => l.startsWith(`"${caseNumber}"`)) ?? '';
      assert.match(enLine, /"Public Security Bureau \d{4}-\d{2}-\d{2} \d{2}:\d{2}"/, enLine);
      assert.ok(!/Bureau [A-Z]/.test(enLine), `two departments run together: ${enLine}`);
      await page.goto(`${web.baseUrl}/lang/zh-CN?back=${encodeURIComponent('/supervisor/stuck?reason=overdue&area=huyi')}`);
      // A district the form does not offer (a mistyped link) is refused at its field, with no list:
      // the city's list under it would be read as the district's. Its CSV is refused too.
      const foo = await page.goto(`${web.baseUrl}/supervisor/stuck?reason=overdue&area=foo`);
      assert.equal(foo?.status(), 400);
      await page.locator('#area-error').waitFor();
      assert.equal(await page.locator('#results').count(), 0, 'no list');
      assert.equal(await page.getByText('下载当前列表（CSV，同上表，可用于报告）').count(), 0);
      await axeCheck(page);
      assert.equal((await page.request.get(`${web.baseUrl}/supervisor/stuck.csv?reason=overdue&area=foo`)).status(), 400);
      await page.goto(`${web.baseUrl}/supervisor/stuck?reason=overdue&area=huyi`);

      // Newest progress first lists it too; an age that is no number of days is refused by the field.
      await page.goto(`${web.baseUrl}/supervisor/stuck?reason=overdue&area=huyi&order=newest`);
      await page.getByRole('link', { name: caseNumber }).waitFor();
      assert.equal(await page.getByLabel('排序').inputValue(), 'newest');
      // An age that is no number of days, a tab or an order the page does not have: each refused at
      // its place, with no list (a list that ignored them would be read as filtered by them).
      for (const [query, field, text] of [
        ['reason=stale&ageDays=abc', 'ageDays', '请输入1到365之间的天数'],
        ['reason=late&area=huyi', 'reason', '没有这种滞留原因，请从滞留原因的标签中选择'],
        ['reason=overdue&order=sideways', 'order', '没有这种排序，请从列表中选择'],
      ] as const) {
        const refused = await page.goto(`${web.baseUrl}/supervisor/stuck?${query}`);
        assert.equal(refused?.status(), 400, query);
        await page.getByRole('link', { name: text }).waitFor();
        await page.locator(`#${field}-error`).waitFor();
        assert.equal(await page.locator('#results').count(), 0, `no list under ${query}`);
        assert.equal((await page.request.get(`${web.baseUrl}/supervisor/stuck.csv?${query}`)).status(), 400, query);
        await axeCheck(page);
      }
      // On another tab a wrong age filters nothing, and its tabs' links leave it out (the stale tab's would be refused).
      assert.equal((await page.goto(`${web.baseUrl}/supervisor/stuck?reason=overdue&ageDays=abc`))?.status(), 200);
      assert.equal(await page.locator('.sup-tabs a[href*="ageDays"], a[href^="/supervisor/stuck"][href*="ageDays"]').count(), 0);

      // A case found by its number, typed as a caller reads it out (lower case), with the keyboard only.
      await page.getByRole('searchbox', { name: '按受理编号查找案件' }).fill('HK-1999-999999');
      await page.keyboard.press('Enter');
      await page.getByRole('link', { name: '没有受理编号为 HK-1999-999999 的案件' }).waitFor();
      await axeCheck(page);
      await page.getByRole('searchbox', { name: '按受理编号查找案件' }).fill(caseNumber.toLowerCase());
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: `案件 ${caseNumber}（督办）` }).waitFor();
      await page.goto(`${web.baseUrl}/supervisor/stuck?reason=overdue&area=huyi`);

      // The case: its steps, the workflow id, the timeline.
      const row2 = page.getByRole('row', { name: new RegExp(caseNumber) });
      await row2.getByRole('link', { name: caseNumber }).click();
      await page.getByRole('heading', { name: `案件 ${caseNumber}（督办）` }).waitFor();
      await page.getByText(`SettlementCase:${caseId}`).waitFor();
      // A provisional date is marked; why is said once, under the steps, not after every date.
      const main = (await page.locator('main').textContent()) ?? '';
      const marks = main.split('（暂定）').length - 1;
      assert.equal(main.split('暂按工作日推算').length - 1, marks > 0 ? 1 : 0, `${marks} provisional dates, one note`);
      assert.equal(
        await page.getByRole('link', { name: '在 Temporal 界面中查看' }).getAttribute('href'),
        `http://127.0.0.1:8233/namespaces/${web.stack.config.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(`SettlementCase:${caseId}`)}`,
      );
      await inBothLanguages(page, 'case-overdue');

      // A form without its reason is refused next to the field.
      const extend = page.locator('form', { has: page.getByRole('heading', { name: '延长办理期限' }) });
      // The unit the deadlines run in (this stack counts elapsed time; a deployment working days).
      const unit = web.stack.config.DEADLINE_CLOCK === 'elapsed' ? 'days' : 'working_days';
      assert.equal(await extend.locator('#extend_deadline-unit').inputValue(), unit);
      await extend.getByLabel('延长').fill('2');
      await extend.getByRole('button', { name: '延长期限' }).click();
      await page.getByRole('link', { name: '请填写督办理由（不超过500字）' }).waitFor();
      // The refused field says so itself, and by which message (WCAG 3.3.1).
      assert.equal(await page.locator('#extend_deadline-note').getAttribute('aria-invalid'), 'true');
      await axeCheck(page);
      await screenshot(page, 'web-supervisor-case-error-zh-CN');

      // Extending the police deadline by two days, with a reason.
      const again = page.locator('form', { has: page.getByRole('heading', { name: '延长办理期限' }) });
      await again.getByLabel('环节').selectOption('police');
      await again.getByLabel('延长').fill('2');
      await again.getByLabel('督办理由').fill('派出所系统升级，顺延两天');
      await again.getByRole('button', { name: '延长期限' }).click();
      await page.getByText(`案件 ${caseNumber}：已执行“延长期限”。`).waitFor();
      // What was done has the focus, so a screen reader reads it (WCAG 4.1.3).
      await page.waitForFunction("document.activeElement?.getAttribute('role') === 'status'", undefined, { timeout: 15_000 });
      assert.match((await page.evaluate('document.activeElement?.textContent')) as string, /已执行“延长期限”/);
      // Drawn with the new deadline at once, no longer overdue (not the step as it was a moment before).
      assert.equal(
        await page
          .getByRole('row', { name: /市公安局/ })
          .locator('.tag--red')
          .count(),
        0,
        'the police step is still shown overdue after the extension',
      );
      await page.getByRole('cell', { name: '派出所系统升级，顺延两天' }).waitFor();
      // The timeline names the supervisor who acted, as the provider named them at sign-in.
      await page
        .getByRole('row')
        .filter({ hasText: '派出所系统升级，顺延两天' })
        .getByRole('cell', { name: '吴主任（supervisor-1）' })
        .first()
        .waitFor();

      // Reassigning the police step to an officer chosen from those the service knows (not an id
      // to type): the steps table says who holds it.
      await knownOfficer(web.stack, { sub: 'officer-police-2', role: 'officer', department: 'police' });
      await knownOfficer(web.stack, { sub: 'officer-housing-9', role: 'officer', department: 'housing' });
      await knownOfficer(web.stack, {
        sub: 'officer-police-changan',
        role: 'officer',
        department: 'police',
        district: ['changan'],
      });
      await page.reload();
      // Only officers who may hold an open step (police's or housing's, here) are offered: not a
      // police officer of another district.
      const picker = page
        .locator('form', { has: page.getByRole('heading', { name: '改派环节' }) })
        .getByLabel('承办人员', { exact: true });
      const offered = await picker.locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value') ?? ''));
      assert.deepEqual(offered.filter(Boolean).sort(), ['officer-housing-9', 'officer-police-2']);
      // A housing officer for the police step is refused at the field, saying why.
      const wrong = page.locator('form', { has: page.getByRole('heading', { name: '改派环节' }) });
      await wrong.getByLabel('环节').selectOption('police');
      await wrong.getByLabel('承办人员', { exact: true }).selectOption('officer-housing-9');
      await wrong.getByLabel('督办理由').fill('原承办人休假');
      await wrong.getByRole('button', { name: '改派' }).click();
      await page.getByRole('link', { name: '该人员属于市房管局，不能承办此环节' }).waitFor();
      const reassign = page.locator('form', { has: page.getByRole('heading', { name: '改派环节' }) });
      await reassign.getByLabel('承办人员', { exact: true }).selectOption('officer-police-2');
      await reassign.getByLabel('督办理由').fill('原承办人休假');
      await reassign.getByRole('button', { name: '改派' }).click();
      await page.getByText(`案件 ${caseNumber}：已执行“改派”。`).waitFor();
      await page
        .getByRole('row', { name: /市公安局/ })
        .getByRole('cell', { name: 'officer-police-2', exact: true })
        .waitFor();
      // The timeline says to whom.
      await page.getByRole('cell', { name: '督办操作 改派给 officer-police-2' }).first().waitFor();

      // Assert: no longer overdue, so no longer listed.
      await waitForCase(web.stack, caseId, (c) => c.steps.police?.overdue === false, 'no longer overdue');
      await page.goto(`${web.baseUrl}/supervisor/stuck?reason=overdue&area=huyi`);
      await page.getByRole('heading', { name: '滞留案件' }).waitFor();
      assert.equal(await page.getByRole('link', { name: caseNumber }).count(), 0, 'the case left the overdue list');
    } finally {
      await page.context().close();
    }
  });

  it('when a supervisor terminates a case after a confirmation, then its ledger shows every commit undone in reverse order', async () => {
    // Arrange: a points case holding a provisional registration and two school places.
    const applicant = await bearer(web.stack, { sub: `applicant-sup-t-${Date.now()}`, role: 'applicant' });
    const police = await bearer(web.stack, { sub: 'officer-police', role: 'officer', department: 'police' });
    const education = await bearer(web.stack, { sub: 'officer-education', role: 'officer', department: 'education' });
    const caseId = await submitCase(web.stack, applicant, applicationBody(DEMO_PEOPLE.parentWithChildren));
    await decideViaApi(web.stack, police, caseId, 'police', { decision: 'approve' });
    await decideViaApi(web.stack, education, caseId, 'education', { decision: 'approve' });
    const held = await waitForCase(
      web.stack,
      caseId,
      (c) => c.reservations.filter((r) => r.status === 'held').length >= 3,
      'three reservations held',
    );
    const page = await supervisor('en-GB');
    try {
      // Act: the reason, the confirmation, then terminate.
      await page.goto(`${web.baseUrl}/supervisor/cases/${caseId}`);
      await page.getByRole('heading', { name: `Case ${held.caseNumber} (supervision)` }).waitFor();
      const terminate = page.locator('form', { has: page.getByRole('heading', { name: 'Terminate the case' }) });
      await terminate.getByLabel('Reason').fill('The applicant has left the city');
      await terminate.getByRole('button', { name: 'Terminate the case…' }).click();
      await page.getByRole('heading', { name: `Terminate case ${held.caseNumber}?` }).waitFor();
      await axeCheck(page);
      await screenshot(page, 'web-supervisor-terminate-confirm-en');
      // The confirmation has an address of its own (its reason sealed in it).
      assert.match(page.url(), /\/termination\/confirm\?draft=/);
      await page.getByRole('button', { name: 'Terminate', exact: true }).click();
      await page.getByText(`Case ${held.caseNumber} is terminated; its places are being released.`).waitFor();
      // The page after it shows the case terminated at once, not as it was a moment before.
      assert.equal((await page.locator('h1 + p .tag').first().textContent())?.trim(), 'terminated');
      // Back after terminating finds the case page, not the browser's "resubmit the form?".
      await page.goBack();
      await page.waitForURL((u) => u.pathname === `/supervisor/cases/${caseId}`);
      await page.getByRole('heading', { name: `Case ${held.caseNumber} (supervision)` }).waitFor();
      await page.goForward();

      // Assert: once ended, the ledger lists the commits, then their undoing in reverse order.
      await waitForStatus(web.stack, caseId, 'terminated');
      await page.reload();
      const rows = page.locator('#ledger-table tbody tr');
      const entries = await rows.evaluateAll((trs) =>
        trs.map((tr) => ({ kind: tr.children[2]?.textContent?.trim() ?? '', item: tr.children[3]?.textContent?.trim() ?? '' })),
      );
      const committed = entries.filter((e) => e.kind === 'committed').map((e) => e.item);
      const undone = entries.filter((e) => e.kind === 'undone').map((e) => e.item);
      assert.equal(committed.length, held.reservations.filter((r) => r.status === 'held').length, JSON.stringify(entries));
      assert.deepEqual(undone, [...committed].reverse());
      await page.getByRole('cell', { name: 'The applicant has left the city' }).first().waitFor();
      await inBothLanguages(page, 'case-terminated', 'en');
    } finally {
      await page.context().close();
    }
  });

  it('when housing has used its one supplement round, then a supervisor authorises another with a reason, and the case page shows notices and the timeline in words', async () => {
    // Arrange: housing asked once (一次性告知) and the applicant answered.
    const applicant = await bearer(web.stack, { sub: `applicant-sup-r-${Date.now()}`, role: 'applicant' });
    const housing = await bearer(web.stack, { sub: 'officer-housing', role: 'officer', department: 'housing' });
    const caseId = await submitCase(web.stack, applicant, applicationBody(DEMO_PEOPLE.townOwner));
    await decideViaApi(web.stack, housing, caseId, 'housing', {
      decision: 'request_supplement',
      missing: ['房产证复印件'],
      internalNote: '产权人姓名与申请人不一致，需核实',
    });
    await waitForCase(web.stack, caseId, (c) => c.steps.housing?.status === 'supplement_requested', 'housing asked');
    const provided = await request(web.stack.app)
      .post(`/api/v1/applicant/cases/${caseId}/supplements`)
      .set('authorization', applicant)
      .send({ department: 'housing', items: [{ name: '房产证复印件', reference: 'upload:deed-1' }] });
    assert.equal(provided.status, 200);
    const asked = await waitForCase(web.stack, caseId, (c) => c.steps.housing?.status === 'awaiting_decision', 'housing again');
    const page = await supervisor();
    try {
      // Act
      await page.goto(`${web.baseUrl}/supervisor/cases/${caseId}`);
      const round = page.locator('form', { has: page.getByRole('heading', { name: '准许再次补正' }) });
      await round.getByLabel('环节').selectOption('housing');
      await round.getByLabel('督办理由').fill('房产证复印件不清晰，需再次补正');
      await round.getByRole('button', { name: '准许再次补正' }).click();

      // Assert: done, audited with the reason, and the workflow allows a second round.
      await page.getByText(`案件 ${asked.caseNumber}：已执行“准许再次补正”。`).waitFor();
      await page.getByRole('cell', { name: '房产证复印件不清晰，需再次补正' }).waitFor();
      await waitForCase(web.stack, caseId, (c) => c.steps.housing?.supplementRoundsAllowed === 2, 'a second round allowed');
      await page.reload();
      assert.equal(await page.getByRole('heading', { name: '准许再次补正' }).count(), 0, 'no form while a round is left');
      // Words, not codes: the notices' channel and recipient, the timeline's role and event type.
      const notices = page.locator('table', { has: page.getByRole('columnheader', { name: '渠道' }) });
      await notices.getByRole('cell', { name: '短信', exact: true }).first().waitFor();
      await notices.getByRole('cell', { name: '申请人', exact: true }).first().waitFor();
      assert.equal(await notices.getByRole('cell', { name: 'sms', exact: true }).count(), 0);
      await page.getByRole('cell', { name: '督办操作 准许再次补正' }).first().waitFor();
      await page.getByRole('cell', { name: '督办人员', exact: true }).first().waitFor();
      // What housing asked for, what came, and its officer's internal note (the officer's form says supervisors see it).
      await page.getByRole('heading', { name: '补正材料与内部备注' }).waitFor();
      const main = await page.locator('main').innerText();
      assert.match(main, /需补正的材料\s*1?\.?\s*房产证复印件/);
      assert.match(main, /upload:deed-1/);
      assert.match(main, /产权人姓名与申请人不一致，需核实/);

      // The timeline leaves as a file only with a purpose, which the access records keep; the file says what the page says.
      await page.locator('#audit-purpose').fill('答复信访件');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: '导出办理记录（CSV，同上表）' }).click(),
      ]);
      const file = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
      const [header, ...lines] = file.split('\r\n').filter(Boolean);
      assert.equal(header, '"时间","操作人","角色","部门","事项","原因"');
      assert.ok(
        lines.some((l) => l.includes('督办操作 准许再次补正') && l.includes('房产证复印件不清晰，需再次补正')),
        file,
      );
      assert.match(download.suggestedFilename(), new RegExp(`^audit-${asked.caseNumber}-`));
      const record = await eventually(
        async () =>
          (await accessRecordModel(web.stack.mongo).findOne({ caseIds: caseId, view: 'audit_csv' }).lean()) ?? undefined,
        'the export’s access record',
      );
      assert.equal(record.purpose, '答复信访件');
      assert.equal(record.via, 'web');
      // Posted, so the purpose stays out of the URL (and the browser's history).
      assert.doesNotMatch(download.url(), /purpose|%E7%AD%94/);
      await page.goto(`${web.baseUrl}/supervisor/cases/${caseId}#audit-export`);
      await page.locator('#audit-purpose').fill('');
      await page.getByRole('button', { name: '导出办理记录（CSV，同上表）' }).click();
      // Said at the field, on the case page itself (the supervisor stays where they were).
      await page
        .locator('.error-summary a[href="#audit-purpose"]')
        .getByText(/请写明导出用途/)
        .waitFor();
      assert.equal(await page.locator('#audit-purpose').getAttribute('aria-invalid'), 'true');
      await page
        .getByRole('heading', { name: `案件 ${asked.caseNumber}` })
        .first()
        .waitFor();
      await page.locator('#audit-purpose').fill('向市政府报送');
      const [again] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: '导出办理记录（CSV，同上表）' }).click(),
      ]);
      assert.match(again.suggestedFilename(), new RegExp(`^audit-${asked.caseNumber}-`));
      await page.locator('#audit-purpose').fill('');
      await page.getByRole('button', { name: '导出办理记录（CSV，同上表）' }).click();
      await page.locator('#audit-purpose-error').waitFor();
      // The refusal's own language switch leads back to the case page (it was drawn by a post).
      await page.locator('header').getByRole('link', { name: 'English' }).click();
      await page.waitForURL((u) => u.pathname === `/supervisor/cases/${caseId}`);
      await page.locator('header').getByRole('link', { name: '中文' }).click();
      await page.waitForURL((u) => u.pathname === `/supervisor/cases/${caseId}`);
      await inBothLanguages(page, 'case-round');
    } finally {
      await page.context().close();
    }
  });
  it("when police's lookup keeps failing on a points case, then the case page says HR's step waits for the score, in both languages", async () => {
    // Arrange: police's system is down; HR's own lookup goes through and its step waits for the score.
    const applicant = await bearer(web.stack, { sub: `applicant-sup-s-${Date.now()}`, role: 'applicant' });
    await web.stack.faults({ department: 'police', failNext: 10_000 });
    const page = await supervisor();
    try {
      const caseId = await submitCase(web.stack, applicant, applicationBody(DEMO_PEOPLE.pointsHigh));
      await waitForCase(
        web.stack,
        caseId,
        (c) => c.steps.police?.status === 'check_failed' && c.steps.hrss?.check !== undefined,
        'police failing, HR checked',
      );

      // Act
      await page.goto(`${web.baseUrl}/supervisor/cases/${caseId}`);

      // Assert: each department's row says what its step is doing.
      const row = (name: string) => page.getByRole('row', { name: new RegExp(`^${name}`) });
      await row('市人社局').getByRole('cell', { name: '已核查，待其他部门核查完毕后计算积分' }).waitFor();
      await row('市公安局').getByRole('cell', { name: '系统核查暂时失败，正在重试' }).waitFor();
      await page.goto(`${web.baseUrl}/lang/en?back=${encodeURIComponent(`/supervisor/cases/${caseId}`)}`);
      await page.getByRole('cell', { name: 'checked; the points score waits for the other departments’ checks' }).waitFor();
      await page.goto(`${web.baseUrl}/lang/zh-CN?back=${encodeURIComponent(`/supervisor/cases/${caseId}`)}`);
    } finally {
      await web.stack.faults();
      await page.context().close();
    }
  });
});
