/**
 * The problem types' pages in a real browser: a developer who opens a problem's `type` URI reads
 * what it means, in either language, and the pages pass axe like every other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { PROBLEMS } from '../../app/problem-codes';
import { PROBLEM_DESCRIPTIONS_ZH } from '../../i18n/problem-descriptions';
import { axeCheck, launchBrowser, newPage } from '../support/browser';
import { startWebStack, type WebStack } from '../support/web-stack';

describe('web pages: problem types in a real browser', () => {
  let web: WebStack;
  let browser: Browser;
  before(async () => {
    web = await startWebStack('web_problems');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await web?.close();
  });

  it('when a browser opens a problem’s type URI and the list, then it reads the problem in zh-CN and in English, and both pass axe', async () => {
    // Arrange
    const page = await newPage(browser);
    const code = 'open-case-exists';

    // Act: the page, as a browser asks for it (HTML preferred).
    const res = await page.goto(`${web.baseUrl}/problems/${code}`);

    // Assert
    assert.equal(res?.status(), 200);
    assert.equal(await page.locator('h1').innerText(), PROBLEMS[code].title['zh-CN']);
    assert.ok((await page.locator('main').innerText()).includes(PROBLEM_DESCRIPTIONS_ZH[code]));
    await axeCheck(page);
    await page.goto(`${web.baseUrl}/lang/en?back=${encodeURIComponent(`/problems/${code}`)}`);
    assert.equal(await page.locator('h1').innerText(), PROBLEMS[code].title.en);
    assert.ok((await page.locator('main').innerText()).includes(PROBLEMS[code].description));
    await axeCheck(page);
    await page.getByRole('link', { name: 'All problem types' }).click();
    assert.equal(new URL(page.url()).pathname, '/problems');
    assert.equal(await page.locator('tbody tr').count(), Object.keys(PROBLEMS).length);
    await axeCheck(page);
    await page.context().close();
  });
});
