import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Engine } from '../src/index.js';
import { DASHBOARD_DIR } from '../src/server/dashboard-static.js';
import { keysPerRole } from '../src/server/testing/engine.js';
import { fixtureEvents, fixtureItems, memoryEngine } from './helpers/engine.js';

/**
 * The dashboard in real headless Chromium (Debian's, driven by playwright-core) against a real
 * server holding the demo data: every page loads without a console error, the key flows are
 * clicked through, and screenshots go to test-results/dashboard/.
 */
const CHROMIUM = process.env.MAGPIE_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = 'test-results/dashboard';
const missing = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install chromium, or set MAGPIE_CHROMIUM)`
  : !existsSync(DASHBOARD_DIR)
    ? `the dashboard is not built (npm run build:dashboard)`
    : null;
if (missing) console.warn(`dashboard browser tests skipped: ${missing}`);

async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A listening server with the demo data (or, lighter, the two-taste fixture), trained. */
async function server(data: 'demo' | 'fixture', overrides: Parameters<typeof memoryEngine>[0] = {}): Promise<{ engine: Engine; url: string }> {
  const { engine, app } = await memoryEngine(overrides);
  if (data === 'demo') await engine.seedDemo();
  else {
    await engine.records.upsertItems(fixtureItems());
    await engine.ingest.ingest(fixtureEvents());
  }
  await engine.train();
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { engine, url: `${url}/dashboard/` };
}

/** A page that records every console error and uncaught exception. */
async function watchedPage(context: BrowserContext, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  return page;
}

// One browser for the file: launching Chromium costs seconds on a loaded machine.
let browser: Browser;
beforeAll(async () => {
  if (!missing) browser = await launch();
}, 30_000);
afterAll(async () => browser?.close());

describe.skipIf(missing !== null)('dashboard in headless Chromium (open API, demo data)', () => {
  let engine: Engine;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ({ engine, url } = await server('demo'));
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await watchedPage(context, errors);
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await engine?.close();
  });

  it('Overview: counts, the events chart, serving latency and the models in service', async () => {
    await page.goto(url);
    const counts = page.getByTestId('counts');
    await counts.getByText('users', { exact: true }).waitFor();
    const status = await engine.status();
    await expect(counts.textContent()).resolves.toContain(status.counts.events.toLocaleString('en'));
    await page.getByRole('img', { name: /Events per minute/ }).waitFor();
    await page.getByLabel('Bucket').selectOption('day');
    await page.getByRole('img', { name: /Events per day/ }).waitFor();
    await page.getByRole('table', { name: 'Models in service by role' }).getByText('main').waitFor();
    await page.screenshot({ path: `${SHOTS}/overview.png`, fullPage: true });
  });

  it('Data: browses users and items, opens a user by id, lists their events', async () => {
    await page.goto(`${url}#/data/items`);
    await page.getByRole('table', { name: 'Items' }).getByRole('link', { name: 'm0001' }).waitFor();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByRole('table', { name: 'Items' }).getByRole('link', { name: 'm0051' }).waitFor();
    await page.goto(`${url}#/data/events`);
    await page.getByLabel('User id').fill('alice');
    await page.getByRole('button', { name: 'Show events' }).click();
    await page.getByRole('table', { name: 'Events of alice' }).locator('tbody tr').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/data-events.png`, fullPage: true });
    await page.goto(`${url}#/data/users`);
    await page.getByLabel(/Find a user by id/).fill('carol');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL(/#\/users\/carol$/);
  });

  it('User inspector: the list with sources and reasons, every source side by side, and a filter that changes the list', async () => {
    await page.goto(`${url}#/users/alice`);
    const list = page.getByRole('table', { name: 'The final list' });
    await list.locator('tbody tr').first().waitFor();
    const before = await list.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-item')));
    expect(before).toHaveLength(10);
    // The page shows what the server decides: the same ids as the API's inspection.
    const inspected = await engine.server().then((app) => app.inject({ url: '/api/admin/inspect/alice?n=10' }));
    expect(before).toEqual(inspected.json().items.map((i: { id: string }) => i.id));
    await expect(page.locator('.source h3').count()).resolves.toBeGreaterThan(2);
    await page.getByRole('table', { name: 'Newest feedback of alice' }).locator('tbody tr').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/user-inspector.png`, fullPage: true });
    // The README's picture: MAGPIE_UPDATE_SCREENSHOTS=1 npx vitest run test/dashboard.test.ts
    if (process.env.MAGPIE_UPDATE_SCREENSHOTS === '1') {
      await page.screenshot({ path: 'docs/img/user-inspector.png', fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1400 } });
    }

    await page.getByLabel('Filter expression').fill('"Comedy" in categories');
    await page.getByLabel('n', { exact: true }).fill('5');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => list.locator('tbody tr').count()).toBe(5);
    const after = await list.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-item')));
    expect(after).not.toEqual(before.slice(0, 5));
    const items = await Promise.all(after.map((id) => engine.records.getItem(id!)));
    expect(items.every((it) => it.categories.includes('Comedy'))).toBe(true);
    await page.screenshot({ path: `${SHOTS}/user-inspector-filtered.png`, fullPage: true });
  });

  it('Item inspector: details, similar items and the users it was recommended to', async () => {
    const inspected = await engine.recommend.recommend('bob', { n: 5 });
    const item = inspected.items[0]!.id;
    await page.goto(`${url}#/items/${item}`);
    await page.getByRole('table', { name: `Items similar to ${item}` }).locator('tbody tr').first().waitFor();
    await page.getByRole('table', { name: `Users ${item} was recommended to` }).getByRole('link', { name: 'bob' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/item-inspector.png`, fullPage: true });
  });

  it('Models: the registry, the metrics chart, promote and roll back', async () => {
    await engine.train(); // a second version, so that there is something to promote
    const before = await engine.registry.list('main');
    const serving = before.find((m) => m.state === 'serving')!;
    const other = before.find((m) => m.version !== serving.version)!;
    await page.goto(`${url}#/models`);
    const table = page.getByRole('table', { name: /Versions of main/ });
    await table.locator(`tr[data-version="${serving.version}"][data-state="serving"]`).waitFor();
    await page.getByRole('img', { name: /main: .* per version/ }).waitFor();
    await page.screenshot({ path: `${SHOTS}/models.png`, fullPage: true });
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: `Promote v${other.version}` }).click();
    await table.locator(`tr[data-version="${other.version}"][data-state="serving"]`).waitFor();
    expect((await engine.registry.show('main', other.version)).model.state).toBe('serving');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Roll back main' }).click();
    await table.locator(`tr[data-version="${serving.version}"][data-state="serving"]`).waitFor();
    await page.screenshot({ path: `${SHOTS}/models-after-rollback.png`, fullPage: true });
  });

  it('Evaluation: runs on the current data and shows the report with charts', async () => {
    await page.goto(`${url}#/evaluation`);
    await page.getByLabel(/Algorithms/).fill('popularity, itemknn');
    await page.getByRole('button', { name: 'Run evaluation' }).click();
    await page.getByTestId('eval-summary').waitFor({ timeout: 30_000 });
    await page.getByRole('img', { name: /^Recall/ }).waitFor();
    const rows = page.getByRole('table', { name: 'Offline metrics per model' }).locator('tbody tr');
    await expect(rows.count()).resolves.toBe(2);
    await page.screenshot({ path: `${SHOTS}/evaluation.png`, fullPage: true });
  });

  it('fits a phone screen: the inspector without sideways scrolling of the page', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const p = await watchedPage(phone, errors);
    await p.goto(`${url}#/users/bob`);
    await p.getByRole('table', { name: 'The final list' }).locator('tbody tr').first().waitFor();
    // A string: this file is type-checked without the DOM library.
    const overflow = await p.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(1);
    await p.screenshot({ path: `${SHOTS}/phone-user-inspector.png`, fullPage: true });
    await phone.close();
  });

  it('logged no console error on any page', () => {
    expect(errors).toEqual([]);
  });
});

describe.skipIf(missing !== null)('dashboard login with API keys', () => {
  const { keys, auth } = keysPerRole();
  let engine: Engine;
  let url: string;

  beforeAll(async () => {
    ({ engine, url } = await server('fixture', { server: { auth } }));
  }, 60_000);
  afterAll(async () => engine?.close());

  it('asks for a key, keeps it for the tab, and disables admin controls for a read key', async () => {
    const context = await browser.newContext();
    const errors: string[] = [];
    const page = await watchedPage(context, errors);
    await page.goto(url);
    await page.getByLabel('API key').fill(keys.read);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('read-client (read)').waitFor();
    await page.getByTestId('counts').waitFor();
    await page.goto(`${url}#/evaluation`);
    await expect(page.getByRole('button', { name: 'Run evaluation' }).isDisabled()).resolves.toBe(true);
    await page.goto(`${url}#/users/user0`);
    await page.getByText(/needs an admin key/).waitFor();
    await page.reload(); // sessionStorage: still logged in
    await page.getByText('read-client (read)').waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('API key').fill(keys.admin);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('admin-client (admin)').waitFor();
    await page.goto(`${url}#/users/user0`);
    await page.getByRole('table', { name: 'The final list' }).locator('tbody tr').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/login-admin.png` });
    expect(errors).toEqual([]);
    await context.close();
  });
});
