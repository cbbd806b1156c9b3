/**
 * Access records through the pages (issue 15 parts 2 and 3): an officer's case page leaves a
 * record with the door `web` and the purpose of its link; an auditor finds it on the access
 * records page (axe-checked); an operator signed in to the portal decodes a case's sealed
 * history through the codec server with nothing but the portal's session cookie, and that decode
 * is recorded too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Payload } from '@temporalio/common';
import type { Browser } from 'playwright-core';
import { accessRecordModel } from '../../models/access-record.model';
import { settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';
import { bearer, submitCase, townBody, waitForStep } from '../support/api';
import { axeCheck, launchBrowser, newPage } from '../support/browser';
import { eventually } from '../support/stack';
import { DEMO_PASSWORDS, signIn, startWebStack, type WebStack } from '../support/web-stack';

const DESK = { width: 1280, height: 800 };

describe('web pages: access records and the codec server with the portal’s sign-in', () => {
  let web: WebStack;
  let browser: Browser;
  let caseId: string;
  let caseNumber: string;

  before(async () => {
    web = await startWebStack('web_access_records');
    browser = await launchBrowser();
    const auth = await bearer(web.stack, { sub: 'applicant-web-access', role: 'applicant' });
    caseId = await submitCase(web.stack, auth, townBody());
    caseNumber = (await waitForStep(web.stack, caseId, 'police', 'awaiting_decision')).caseNumber;
  });
  after(async () => {
    await browser?.close();
    await web?.close();
  });

  it('when a police officer opens a case page with a purpose, then a web access record names them; an auditor finds it on the access records page', async () => {
    // Arrange
    const police = await newPage(browser, { locale: 'zh-CN', viewport: DESK });
    const auditor = await newPage(browser, { locale: 'zh-CN', viewport: DESK });
    try {
      await signIn(police, web, 'police', DEMO_PASSWORDS.officer, '/officer/inbox');

      // Act
      await police.goto(`${web.baseUrl}/officer/cases/${caseId}?purpose=${encodeURIComponent('核对材料')}`);
      await signIn(auditor, web, 'auditor', DEMO_PASSWORDS.auditor);
      await auditor.getByRole('heading', { name: '查询留痕' }).waitFor();
      await auditor.locator('#caseId').fill(caseId);
      await auditor.getByRole('button', { name: '查询' }).click();

      // Assert
      const record = await accessRecordModel(web.stack.mongo).findOne({ caseIds: caseId, view: 'officer_case' }).lean();
      assert.ok(record);
      assert.deepEqual(record.actor, { sub: 'officer-police-1', role: 'officer', department: 'police' });
      assert.equal(record.via, 'web');
      assert.equal(record.purpose, '核对材料');
      // In words, with the case by its number: not view codes and case ids.
      const row = auditor.getByRole('row', { name: /officer-police-1/ }).filter({ hasText: '经办人员查看案件' });
      await row.getByText('核对材料').waitFor();
      await row.getByRole('cell', { name: caseNumber, exact: true }).waitFor();
      await row.getByRole('cell', { name: '网页', exact: true }).waitFor();
      assert.equal(await row.getByText(caseId).count(), 0, 'the case by its number, not its id');
      assert.equal(await row.getByText('officer_case').count(), 0);
      await axeCheck(auditor);

      // The case by its number too, as a complaint quotes it (lower case is fine); one that no case has is said at the field.
      await auditor.locator('#caseId').fill(caseNumber.toLowerCase());
      await auditor.getByRole('button', { name: '查询' }).click();
      await auditor
        .getByRole('row', { name: /officer-police-1/ })
        .filter({ hasText: '核对材料' })
        .waitFor();
      await auditor.locator('#caseId').fill('HK-1999-999999');
      await auditor.getByRole('button', { name: '查询' }).click();
      await auditor.getByRole('link', { name: '没有受理编号为 HK-1999-999999 的案件' }).waitFor();
      await axeCheck(auditor);
    } finally {
      await police.close();
      await auditor.close();
    }
  });

  it('when an operator signed in to the portal posts a case’s sealed history to the codec server, then the cookie alone authenticates and the decode is recorded', async () => {
    // Arrange
    const history = await web.stack.client.workflow.getHandle(settlementCaseWorkflowId(caseId)).fetchHistory();
    const payloads = (history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? []).map((p) => ({
      metadata: Object.fromEntries(
        Object.entries((p as Payload).metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
      data: Buffer.from((p as Payload).data ?? new Uint8Array()).toString('base64'),
    }));
    const operator = await newPage(browser, { locale: 'zh-CN', viewport: DESK });
    try {
      await signIn(operator, web, 'operator', DEMO_PASSWORDS.operator);
      await operator.getByRole('heading', { name: '运维人员' }).waitFor();

      // Act
      const res = await operator.request.post(`${web.baseUrl}/codec/decode`, { data: { payloads } });

      // Assert
      assert.equal(res.status(), 200, await res.text());
      const body = (await res.json()) as { payloads: Array<{ data: string }> };
      assert.ok(Buffer.from(body.payloads[0]!.data, 'base64').toString('utf8').includes(caseId));
      const record = await eventually(
        async () =>
          (await accessRecordModel(web.stack.mongo).findOne({ caseIds: caseId, view: 'temporal_payloads' }).lean()) ?? undefined,
        'the decode’s access record',
      );
      assert.deepEqual(record.actor, { sub: 'operator-1', role: 'operator' });
    } finally {
      await operator.close();
    }
  });
});
