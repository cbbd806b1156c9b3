/**
 * Real-browser tests (test/web): Debian's Chromium (installed by scripts/setup.mjs) driven by
 * playwright-core, which never downloads a browser of its own. One browser per test file, a new
 * context (fresh cookies) and page per test; `axeCheck` fails on serious or critical axe-core
 * violations; `screenshot` writes docs/screenshots/<name>.png for README.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'docs', 'screenshots');

/**
 * The closed network refuses Chromium's own calls home (updates, sync, field trials), many at a
 * time and at every start; these flags keep it from making them. As root Chromium only starts
 * without its sandbox.
 */
const CHROMIUM_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-gpu',
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
];

/**
 * Starts headless Chromium. Playwright gives every launch a fresh, temporary user-data dir
 * (removed on close), so no profile is shared between runs or files.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** A new context (no cookies from an earlier test) with one page; close it with `page.context().close()`. */
export async function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 }, locale: 'zh-CN', ...options });
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

/** Runs axe-core on the page as it is now and fails with every serious or critical violation listed. */
export async function axeCheck(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const listing = bad
    .map(
      (v) =>
        `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`,
    )
    .join('\n');
  assert.equal(bad.length, 0, `axe-core found serious/critical violations on ${page.url()}:\n${listing}`);
}

/** Writes a full-page screenshot to docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

/**
 * The fonts Chromium actually drew an element's text with (DevTools protocol), to prove that
 * Chinese text is rendered with a CJK font rather than as empty boxes.
 */
export async function renderedFonts(page: Page, selector: string): Promise<{ familyName: string; glyphCount: number }[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    assert.ok(nodeId, `no element matches ${selector}`);
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map((f) => ({ familyName: f.familyName, glyphCount: f.glyphCount }));
  } finally {
    await cdp.detach();
  }
}
