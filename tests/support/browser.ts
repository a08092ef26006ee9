/**
 * Headless Chromium for e2e tests: Debian's /usr/bin/chromium driven by playwright-core, screenshots, pages without
 * JavaScript.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

/** Debian's package (`apt-get install -y chromium`); playwright-core downloads no browser of its own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a container without a display, GPU or internet: no sandbox (no user namespaces here), and
 * none of the background traffic (component updates, sync, QUIC) that would wait on an unreachable network.
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export const SCREENSHOT_DIR = resolve(__dirname, '..', 'artifacts', 'screenshots');

/**
 * A fresh headless Chromium; close it with `browser.close()`.
 *
 * `chromium.launch`, not `launchPersistentContext`: launch already gives every browser a fresh temporary
 * profile (a new `playwright_chromiumdev_profile-*` directory in the OS temp dir, deleted on close; it
 * refuses a `--user-data-dir` flag), and it returns a Browser, on which each test opens its own isolated
 * context, e.g. one with JavaScript disabled. A persistent context is a single context whose options are
 * fixed at launch, and its profile directory would be ours to create and delete.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` ` +
        '(Debian package; .ci/run does this when it is missing), or set CHROMIUM_PATH to a Chromium binary',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS, timeout: 60_000 });
}

/** Writes a full-page PNG to tests/artifacts/screenshots/<name>.png (kept by CI) and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  if (!/^[\w.-]+$/.test(name))
    throw new Error(`screenshot name must be letters, digits, '.', '_' or '-'; got "${name}"`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Runs `use` on a page in a new context of `browser` (closed afterwards, also on failure), so that each
 * test starts without cookies or cache. `options` are playwright's context options (viewport, locale, …).
 */
export async function withPage<T>(
  browser: Browser,
  use: (page: Page) => Promise<T>,
  options: BrowserContextOptions = {},
): Promise<T> {
  const context = await browser.newContext(options);
  try {
    return await use(await context.newPage());
  } finally {
    await context.close();
  }
}

/** As `withPage`, with JavaScript disabled: what the server-rendered HTML alone gives (forms must still work). */
export function withJavaScriptDisabled<T>(
  browser: Browser,
  use: (page: Page) => Promise<T>,
  options: BrowserContextOptions = {},
): Promise<T> {
  return withPage(browser, use, { ...options, javaScriptEnabled: false });
}
