import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestLike } from './server.js';

/** The one command that makes the browser tests run (PLATFORM.md). */
export const CHROMIUM_INSTALL = 'apt-get install -y chromium';
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when Debian's Chromium is there. */
export function chromiumMissing(): string | undefined {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return undefined;
  } catch {
    return `Chromium is not installed at ${CHROMIUM_PATH}: install it with \`${CHROMIUM_INSTALL}\``;
  }
}

/** Launch flags for a closed network (PLATFORM.md): no background traffic, no sandbox as root. Playwright never downloads a browser. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

/** Where the UI tests put their screenshots (looked at by a person; docs/ui-stations.png comes from there). */
export const SCREENSHOTS = process.env.UI_SCREENSHOTS ?? '/tmp/switchyard-ui-shots';

/** A top-level tap test in Chromium, or the same test skipped (with the install command) where Chromium is missing. */
export function chromiumTest(name: string, run: (t: Test) => Promise<void>): void {
  const missing = chromiumMissing();
  if (missing) {
    t.comment(`${name}: SKIPPED, ${missing}`);
    t.test(name, { skip: `${missing} (${CHROMIUM_INSTALL})` }, async () => {});
  } else {
    t.test(name, async (t) => run(t));
  }
}

export interface UiBrowser {
  browser: Browser;
  /** A page in a context of its own (its own session), closed when the test ends. Desktop size unless given. */
  newPage(options?: { width?: number; height?: number; colorScheme?: 'light' | 'dark' }): Promise<{ context: BrowserContext; page: Page }>;
  /** Opens the UI and submits the login form; waits for nothing (the login may be refused). */
  login(page: Page, username: string, password: string): Promise<void>;
  /** A new page, logged in, once the dashboard is shown. */
  loggedInPage(username: string, password: string, options?: { width?: number; height?: number; colorScheme?: 'light' | 'dark' }): Promise<Page>;
  /** A full-page screenshot to SCREENSHOTS/<name>.png. */
  shot(page: Page, name: string): Promise<unknown>;
}

/** Debian's Chromium, headless, closed when the test ends, driving the operator UI served at `uiUrl` (the API's base URL). */
export async function launchUiBrowser(t: TestLike, uiUrl: string): Promise<UiBrowser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  t.teardown(() => browser.close());
  const newPage: UiBrowser['newPage'] = async (options = {}) => {
    const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 800 }, colorScheme: options.colorScheme ?? 'light' });
    t.teardown(() => context.close().catch(() => {}));
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return { context, page };
  };
  const login: UiBrowser['login'] = async (page, username, password) => {
    await page.goto(uiUrl + '/');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
  };
  return {
    browser,
    newPage,
    login,
    async loggedInPage(username, password, options) {
      const { page } = await newPage(options);
      await login(page, username, password);
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      return page;
    },
    shot: (page, name) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true }),
  };
}
