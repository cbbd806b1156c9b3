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

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;

/** An axe run that has not ended by then has hung: it fails, naming the page, instead of holding the file. */
const AXE_BOUND_MS = 60_000;

/**
 * Runs axe-core on the page as it is now and fails with every serious or critical violation listed.
 *
 * A sandboxed iframe without scripts (the development mailbox shows each letter in one) makes
 * @axe-core/playwright 4.13's default run (axe.runPartial frame by frame) never finish, with or
 * without axe's `iframes: false` (reproduced every time outside the suite, with Debian's
 * Chromium; inside it only in some runs, which hung the notice-delivery browser test until its
 * file timeout). Its legacy run (axe.run in the page) finishes: such a page is run that way
 * with frames left out, and each sandboxed frame's document is checked on its own page.
 */
export async function axeCheck(page: Page): Promise<void> {
  const sandboxed = await page
    .locator('iframe[sandbox]')
    .evaluateAll((frames) => frames.map((f) => ({ title: f.getAttribute('title') ?? '', html: f.getAttribute('srcdoc') ?? '' })));
  const builder = new AxeBuilder({ page });
  if (sandboxed.length > 0) builder.setLegacyMode().options({ iframes: false });
  assertAccessible(page.url(), await boundedAxe(builder, page.url()));
  for (const frame of sandboxed) {
    const alone = await page.context().newPage();
    try {
      await alone.setContent(frame.html);
      const where = `${page.url()}, the sandboxed frame "${frame.title}"`;
      assertAccessible(where, await boundedAxe(new AxeBuilder({ page: alone }), where));
    } finally {
      await alone.close();
    }
  }
}

async function boundedAxe(builder: AxeBuilder, where: string): Promise<AxeResults> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`axe-core did not finish within ${AXE_BOUND_MS} ms on ${where}`)), AXE_BOUND_MS);
  });
  try {
    return await Promise.race([builder.analyze(), hung]);
  } finally {
    clearTimeout(timer);
  }
}

function assertAccessible(where: string, results: AxeResults): void {
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const listing = bad
    .map(
      (v) =>
        `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`,
    )
    .join('\n');
  assert.equal(bad.length, 0, `axe-core found serious/critical violations on ${where}:\n${listing}`);
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

/**
 * The visible targets matched by `selector` whose box is under 44×44 CSS px (a phone's minimum
 * touch target), described for an assertion message. Hidden ones (a closed menu, a hidden
 * input) are not targets.
 */
export async function smallTargets(page: Page, selector: string, min = 44): Promise<string[]> {
  const out: string[] = [];
  for (const el of await page.locator(selector).all()) {
    if (!(await el.isVisible())) continue;
    const box = await el.boundingBox();
    if (!box || (box.width >= min && box.height >= min)) continue;
    const what = ((await el.textContent()) ?? '').trim().slice(0, 20) || ((await el.getAttribute('id')) ?? '?');
    out.push(`${what} ${Math.round(box.width)}×${Math.round(box.height)}`);
  }
  return out;
}
