import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { describe } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../platform/test/support/databases.ts';
import { testPlatform } from '../../../platform/test/support/platform.ts';
import { ensureDashboardBuilt } from '../../scripts/ensure-built.ts';

/** Debian's chromium (installed by .ci/run), or CHROMIUM_PATH. */
function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => Boolean(p && existsSync(p))) ?? null;
}

export const CHROMIUM = findChromium();

if (!CHROMIUM) {
  if (process.env.CI === 'true') {
    throw new Error(
      'CI=true but no chromium was found: the browser tests must run in CI (.ci/run installs chromium)',
    );
  }
  console.warn(
    '\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
      '!! DASHBOARD BROWSER TESTS SKIPPED: no chromium (apt-get install chromium, or set CHROMIUM_PATH)\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n',
  );
}

/** `describe` when a browser is available, `describe.skip` (after the warning above) otherwise. */
export const describeInBrowser = CHROMIUM ? describe : describe.skip;

/**
 * Where screenshots go: the README's images in docs/screenshots/ only when BOOKFLOW_SCREENSHOTS=1
 * (so `npm test` leaves a clean clone clean), a temporary directory otherwise (still taken, so a
 * page that cannot be captured fails the test either way).
 */
export const SCREENSHOTS =
  process.env.BOOKFLOW_SCREENSHOTS === '1'
    ? fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url))
    : null;
let tempScreenshots: string | undefined;

function screenshotDir(): string {
  if (SCREENSHOTS) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    return SCREENSHOTS;
  }
  tempScreenshots ??= mkdtempSync(join(tmpdir(), 'bookflow-screenshots-'));
  return tempScreenshots;
}

/** A real platform (PGlite, API and worker) serving the built dashboard on a random port. */
export async function startDashboardPlatform(overrides: Parameters<typeof testPlatform>[1] = {}) {
  await ensureDashboardBuilt();
  const database: TestDatabase = await openTestDatabase('pglite');
  const t = await testPlatform(database.db, { streamPollMs: 200, ...overrides });
  await t.platform.api!.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.platform.api!.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    ...t,
    database,
    base,
    async stop() {
      await t.platform.stop();
      await database.close();
    },
  };
}

export type DashboardPlatform = Awaited<ReturnType<typeof startDashboardPlatform>>;

export async function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/**
 * A browser context that records what must never happen: a CSP violation (an inline script or a
 * foreign resource) and a JavaScript dialog (an injected alert()).
 */
export async function newContext(browser: Browser, width = 1280) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  context.on('page', (page) => watch(page, problems));
  return { context, problems };
}

function watch(page: Page, problems: string[]): void {
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`csp: ${msg.text()}`);
  });
  // The page asks before destructive steps (confirm): the tests accept. Any other dialog (an
  // alert() from injected markup) is a failure.
  page.on('dialog', (dialog) => {
    if (dialog.type() === 'confirm') {
      void dialog.accept();
      return;
    }
    problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
}

/** Signs in through the form with an API key, as a user pastes it. */
export async function signInWithKey(context: BrowserContext, base: string, key: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor({ timeout: 30_000 });
  return page;
}

/**
 * Where each page test starts: a platform serving the dashboard, Chromium, and a page signed in
 * with the API key of a new account. `close()` stops the browser and the platform.
 */
export async function signedIn(accountName: string) {
  const p = await startDashboardPlatform();
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const account = await p.createAccount({ name: accountName });
    const { context, problems } = await newContext(browser);
    const page = await signInWithKey(context, p.base, account.api_key);
    const opened = browser;
    return {
      p,
      browser: opened,
      account,
      page,
      problems,
      async close() {
        await opened.close();
        await p.stop();
      },
    };
  } catch (err) {
    await browser?.close();
    await p.stop();
    throw err;
  }
}

const require = createRequire(import.meta.url);
const AXE_SOURCE: string = (require('axe-core') as { source: string }).source;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown }>;
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, which the page's CSP does
 * not govern) and returns the serious and critical violations.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    return (await axe.run(document)).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })),
    }));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  const path = join(screenshotDir(), `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  if (statSync(path).size === 0) throw new Error(`the screenshot ${path} is empty`);
}

/** Polls until check() is truthy (for state reached asynchronously); generous by default. */
export async function until<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => null);
    if (value) return value;
    if (Date.now() > end) throw new Error(`condition not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
