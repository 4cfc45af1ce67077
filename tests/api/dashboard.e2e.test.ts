import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { findChromium, launchChromium } from '../../infra/local/browser';
import { inParallel } from '../support/http';
import { testTopicPrefix } from '../support/kafka';
import { startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/wait';

const root = join(__dirname, '..', '..');

describe('the operator dashboard in a headless browser', () => {
  const topics = testTopicPrefix('dash');
  let t: TestSystem;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    t = await startTestSystem(
      { ROLES: 'api,relay,projector,saga', KAFKA_TOPIC_PREFIX: topics.prefix },
      { label: 'dash' },
    );
    const executablePath = findChromium({ install: true });
    if (!executablePath) throw new Error('no Chromium: run bash infra/local/chromium.sh');
    browser = await launchChromium(executablePath);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t.stop();
    await topics.drop();
  });

  const number = async (selector: string) => Number(await page.textContent(selector));
  /** Until the ledger knows this many SKUs (each listing with stock writes a line). */
  const caughtUpLedger = (count: number) =>
    eventually(
      async () =>
        Number(
          (
            (await t.database.db('inventory_audit').countDistinct('sku_id as n')) as { n: number }[]
          )[0]!.n,
        ),
      (n) => n >= count,
    );
  const available = (skuId: string) => number(`tr[data-sku="${skuId}"] td.available`);

  it('When a customer token is given, then the page refuses it and asks again', async () => {
    await page.goto(`${t.base}/dashboard`);
    expect(await page.isVisible('#login')).toBe(true);
    await page.fill('#token', t.customer('not-an-admin'));
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#login-error:has-text("admins only")');
    expect(await page.isVisible('#board')).toBe(false);
  });

  it('When an admin signs in and orders come in, then the numbers and charts move', async () => {
    await t.listSku({ skuId: 'HOT-1', stock: 400 });
    await t.listSku({ skuId: 'HOT-2', stock: 30, perUserLimit: 1 });
    await page.goto(`${t.base}/dashboard`);
    await page.fill('#token', t.admin);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('tr[data-sku="HOT-2"]');
    expect(await available('HOT-1')).toBe(400);
    expect(await available('HOT-2')).toBe(30);

    // A sale: waves of buyers over a few seconds, HOT-2 selling out.
    let waves = 0;
    let sawRate = 0;
    const sale = (async () => {
      for (; waves < 8; waves++) {
        await inParallel(
          10,
          Array.from({ length: 20 }, (_, i) => () => {
            const user = `w${waves}-${i}`;
            const items = [{ skuId: i % 2 ? 'HOT-1' : 'HOT-2', quantity: 1 }];
            return t.http.post('/v1/orders', { items }, { token: t.customer(user) });
          }),
        );
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    while (waves < 8) {
      sawRate = Math.max(sawRate, await number('#orders-per-second'));
      await new Promise((r) => setTimeout(r, 250));
    }
    await sale;

    // 160 attempts: 80 for HOT-1 (all accepted), 80 for HOT-2 (30 accepted, 50 sold out).
    await eventually(
      () => number('#accepted'),
      (n) => n === 110,
    );
    expect(sawRate).toBeGreaterThan(0);
    expect(await number('#sold-out')).toBe(50);
    expect(await available('HOT-1')).toBe(320);
    expect(await available('HOT-2')).toBe(0);
    expect(await number('#pending')).toBe(110);
    expect(await page.locator('#chart-orders polyline').count()).toBe(1);
    expect(await page.locator('tr[data-sku="HOT-1"] svg rect').count()).toBe(3);
    await eventually(
      async () => (await page.textContent('#projections')) ?? '',
      (text) => (text.match(/LIVE/g) ?? []).length === 4,
    );
    expect(await page.textContent('#audit-at')).toMatch(/^audited /);
    expect(cspViolations).toEqual([]);

    // The picture in docs/ is refreshed on request only, so a test run leaves the tree clean.
    const shot = process.env.UPDATE_DOCS ? join(root, 'docs') : join(root, '.data');
    mkdirSync(shot, { recursive: true });
    await page.screenshot({ path: join(shot, 'dashboard.png'), fullPage: true });

    // A SKU Redis lost is shown as such, not dropped from the list.
    await t.redis.del(`{${t.prefix}}:sku:HOT-2`);
    await eventually(
      async () => (await page.textContent('tr[data-sku="HOT-2"]')) ?? '',
      (text) => text.includes('not in Redis'),
    );
    const lost = await t.http.get('/v1/admin/dashboard', { token: t.admin });
    expect(lost.body.skus.find((k: { skuId: string }) => k.skuId === 'HOT-2')).toEqual({
      skuId: 'HOT-2',
      name: null,
      stocked: null,
      available: null,
      reserved: null,
      sold: null,
    });
    expect(lost.body.skusCut).toBe(false);
    // More SKUs than are shown: the page says so.
    expect(await page.textContent('#skus-cut')).toBe('');
    await inParallel(
      10,
      Array.from(
        { length: 99 },
        (_, i) => () => t.listSku({ skuId: `CUT-${String(i).padStart(3, '0')}`, stock: 1 }),
      ),
    );
    await caughtUpLedger(101);
    const summary = await t.http.get('/v1/admin/dashboard', { token: t.admin });
    expect(summary.body.skus).toHaveLength(100);
    expect(summary.body.skusCut).toBe(true);
    await eventually(
      async () => (await page.textContent('#skus-cut')) ?? '',
      (text) => text === 'the first 100 by id; more are not shown or audited',
    );

    // The token lives in this tab only; forgetting it shows the sign-in form again.
    await page.click('#logout');
    expect(await page.isVisible('#login')).toBe(true);
  });
});
