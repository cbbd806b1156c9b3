/**
 * An officer approving a case in the workbench, as README's walk-throughs tell a newcomer to: sign
 * in, wait for the case in the inbox (listed once the department's lookup has answered), claim it,
 * approve, confirm, sign out. Optionally checks what the confirmation page and the banner after it say.
 */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { axeCheck, newPage } from './browser';
import { DEMO_PASSWORDS, signIn, type WebStack } from './web-stack';

export async function approveInWorkbench(
  browser: Browser,
  web: WebStack,
  username: string,
  caseNumber: string,
  opts: {
    confirmationSays?: string;
    bannerSays?: string;
    /** A link the banner holds (the list its words point to), by name and address. */
    bannerLink?: { name: string; href: string };
    checkAccessibility?: boolean;
  } = {},
): Promise<void> {
  const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
  try {
    await signIn(page, web, username, DEMO_PASSWORDS.officer, '/officer/inbox');
    const row = page.getByRole('row', { name: new RegExp(caseNumber) });
    for (let i = 0; i < 60 && (await row.count()) === 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await page.reload();
    }
    await row.getByRole('link', { name: caseNumber }).click();
    await page.getByRole('button', { name: '认领此案件' }).click();
    await page.getByText('您已认领本环节。').waitFor();
    await page.getByLabel('通过', { exact: true }).check();
    await page.getByRole('button', { name: '继续' }).click();
    await page.getByRole('heading', { name: '确认决定' }).waitFor();
    if (opts.confirmationSays) {
      await page.getByText(opts.confirmationSays).waitFor();
      await axeCheck(page);
    }
    await page.getByRole('button', { name: '确认' }).click();
    await page.getByText(`已对案件 ${caseNumber} 作出决定：通过。`, { exact: false }).waitFor();
    if (opts.bannerSays) await page.getByRole('status').getByText(opts.bannerSays, { exact: false }).waitFor();
    if (opts.bannerLink) {
      const link = page.getByRole('status').getByRole('link', { name: opts.bannerLink.name });
      assert.equal(await link.getAttribute('href'), opts.bannerLink.href);
    }
    if (opts.checkAccessibility) await axeCheck(page);
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('button', { name: '是，退出登录' }).click();
    await page.waitForURL(`${web.baseUrl}/`);
  } finally {
    await page.context().close();
  }
}
