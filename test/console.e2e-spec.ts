/// <reference lib="dom" />
import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import { closeBrowser, launchBrowser, screenshot } from './support/browser';
import { eventually } from './support/eventually';
import { ADMIN_TOKEN, startTestApp, TestApp } from './support/test-app';
import { SwitchableWebhook } from './support/webhook';

/**
 * The operator console in a real browser (Debian's Chromium, headless): order pages read the chain as it
 * happens, the dead-letter page replays, and the admin token stays in the page's memory.
 */

const CALL_WEBHOOK = 'notification-call-webhook-when-notification-send';

describe('operator console in a browser', () => {
  const webhook = new SwitchableWebhook();
  let app: TestApp;
  let browser: Browser | undefined;
  let page: Page;
  const requests: HTTPRequest[] = [];

  beforeAll(async () => {
    app = await startTestApp(await webhook.start());
    browser = await launchBrowser();
  }, 120_000);

  beforeEach(async () => {
    page = await browser!.newPage();
    await page.setViewport({ width: 1100, height: 900 });
    page.on('request', (request) => requests.push(request));
  });

  afterEach(async () => {
    await page.close();
  });

  afterAll(async () => {
    await closeBrowser(browser);
    await app?.stop();
    await webhook.stop();
  }, 90_000);

  async function place(paymentMethod?: string, userId = 'alice'): Promise<string> {
    const { status, body } = await app.http('POST', '/orders', { userId, items: [{ sku: 'SKU-001', quantity: 1 }], ...(paymentMethod ? { paymentMethod } : {}) });
    expect(status).toBe(202);
    return body.orderId;
  }

  async function statusShown(): Promise<string | null> {
    return page.$eval('main h1 [data-status]', (badge) => badge.getAttribute('data-status'));
  }

  /** The page's timeline as text, one line per entry. */
  async function timeline(): Promise<string[]> {
    return page.$$eval('ol.timeline > li', (items) => items.map((item) => item.textContent!.replace(/\s+/g, ' ').trim()));
  }

  it('shows a paid order step by step, each event with the subscriptions that handled it', async () => {
    const orderId = await place();
    await page.goto(`${app.url}/console/orders/${orderId}`);
    await page.waitForFunction(() => document.querySelector('main h1 [data-status]')?.getAttribute('data-status') === 'paid' && document.body.textContent!.includes('notification.send'));
    const steps = await timeline();
    expect(steps.find((step) => step.includes('order.created'))).toContain('handled by inventory-reserve-stock-when-order-created');
    expect(steps.find((step) => step.includes('payment.request from inventory'))).toContain('handled by payment-take-payment-when-payment-requested (payment), attempt 1');
    expect(steps.find((step) => step.includes('payment.result'))).toContain('handled by orders-settle-when-payment-result');
    expect(await page.$eval('main', (main) => main.textContent)).toContain('24.99 USD');
    await screenshot(page, 'order-paid');
  });

  it('shows a declined order ending in payment_failed, its stock released', async () => {
    const orderId = await place('test_decline');
    await page.goto(`${app.url}/console/orders/${orderId}`);
    await page.waitForFunction(() => document.querySelector('main h1 [data-status]')?.getAttribute('data-status') === 'payment_failed' && document.body.textContent!.includes('inventory.released'));
    const steps = await timeline();
    expect(steps.find((step) => step.includes('payment.result'))).toContain('handled by inventory-settle-reservation-when-payment-result');
    expect(steps.some((step) => step.includes('inventory.released from inventory'))).toBe(true);
    await screenshot(page, 'order-declined');
  });

  it('follows a flaky payment live: the failed attempts appear, then paid, without a reload', async () => {
    const orderId = await place('test_flaky');
    await page.goto(`${app.url}/console/orders/${orderId}`);
    // The gateway fails twice with backoff in between (seconds): the first render is before the payment.
    expect(await statusShown()).not.toBe('paid');
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await page.waitForFunction(() => document.querySelector('main h1 [data-status]')?.getAttribute('data-status') === 'paid', { timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    const failures = (await timeline()).filter((step) => step.includes('failed in payment-take-payment-when-payment-requested'));
    expect(failures.map((step) => /attempt (\d)/.exec(step)?.[1])).toEqual(['1', '2']);
    expect(failures[0]).toContain('PAYMENT_GATEWAY_UNAVAILABLE');
    expect((await timeline()).find((step) => step.includes('payment.request from inventory'))).toContain('(payment), attempt 3');
    await page.waitForFunction(() => document.body.textContent!.includes('dead-lettered'), { timeout: 30_000 });
    await screenshot(page, 'order-flaky');
    // The README's picture (docs/console-order.png is a copy of it).
    await page.setViewport({ width: 960, height: 760 });
    await screenshot(page, 'console-order', { fullPage: false });
  });

  it('reads without JavaScript, with customer-chosen strings shown as text', async () => {
    const orderId = await place(undefined, '<img src=x id=injected>');
    await page.setJavaScriptEnabled(false);
    const response = await page.goto(`${app.url}/console/orders/${orderId}`);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(await page.$('#injected')).toBeNull();
    expect(await page.$eval('main', (main) => main.textContent)).toContain('<img src=x id=injected>');
    expect(await timeline()).toEqual(expect.arrayContaining([expect.stringContaining('order.created from orders')]));
  });

  it('replays dead letters from the dead-letters page, one and several at once, by keyboard, the token held in memory only', async () => {
    const orderIds = await Promise.all([place(), place()]);
    const [letter, other] = await eventually(
      async () => {
        const { body } = await app.http('GET', `/dead-letters?subscription=${CALL_WEBHOOK}&status=dead`, undefined, { admin: true });
        const found = orderIds.map((orderId) => body.items.find((item: { subject: string }) => item.subject === orderId));
        expect(found).toEqual([expect.anything(), expect.anything()]);
        return found as Array<{ id: string }>;
      },
      { timeoutMs: 60_000 },
    );
    webhook.answer = 200;

    await page.goto(`${app.url}/console/dead-letters`);
    expect(await page.$eval('#sign-in', (form) => (form as HTMLFormElement).hidden)).toBe(false);
    await tabTo('#token');
    await page.keyboard.type(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    const row = `tr[data-letter="${letter.id}"]`;
    await page.waitForSelector(row);
    expect(await page.$eval('#token', (input) => (input as HTMLInputElement).value)).toBe('');

    const replay = `${row} button[name="id"]`;
    await tabTo(replay);
    // Keyboard focus is visible (an outline, not the browser's default nothing on buttons).
    expect(await page.$eval(replay, (button) => getComputedStyle(button).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${row} [data-status="replayed"]`);
    await eventually(async () => expect((await app.http('GET', `/dead-letters/${letter.id}`, undefined, { admin: true })).body.status).toBe('replayed'));
    expect(await page.$eval(`tr[data-letter="${other.id}"] [data-status]`, (badge) => badge.getAttribute('data-status'))).toBe('dead');

    // Several at once: each selected with the space bar, then "Replay selected".
    await tabTo(`tr[data-letter="${other.id}"] input[type="checkbox"]`);
    await page.keyboard.press('Space');
    await tabTo('form[data-replay] > button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`tr[data-letter="${other.id}"] [data-status="replayed"]`);
    expect(await page.$eval('#status', (status) => status.textContent)).toBe('Replayed 1 of 1.');
    await screenshot(page, 'dead-letters-replayed');

    // Following a link keeps the token (the page fetches it with the header) and never puts it in the URL.
    await page.click(`${row} a`);
    await page.waitForFunction((id) => location.pathname === `/console/dead-letters/${id}` && document.querySelector('main h1')?.textContent?.includes(id), {}, letter.id);

    const urls = requests.map((request) => request.url());
    expect(urls.filter((url) => url.includes(ADMIN_TOKEN))).toEqual([]);
    expect(requests.some((request) => request.headers().authorization === `Bearer ${ADMIN_TOKEN}`)).toBe(true);
    const kept = await page.evaluate(() => [JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage }), document.cookie, location.href, document.documentElement.outerHTML, history.length].join('\n'));
    expect(kept).not.toContain(ADMIN_TOKEN);
    expect(await page.cookies()).toEqual([]);
  });

  it('asks for the admin token before showing dead letters, and shows nothing without it', async () => {
    await page.setJavaScriptEnabled(false);
    const response = await page.goto(`${app.url}/console/dead-letters`);
    expect(response!.status()).toBe(200);
    expect(await page.$('tr[data-letter]')).toBeNull();
    expect(await page.$eval('main', (main) => main.textContent)).toContain('This page needs a token');
    const refused = await fetch(`${app.url}/console/dead-letters`, { headers: { authorization: 'Bearer not-the-admin-token' } });
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain('data-letter');
  });

  it('shows recent orders live, with counts by status, the outbox backlog and the dead-letter count', async () => {
    await page.goto(`${app.url}/console/dead-letters`);
    await page.type('#token', ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.waitForSelector('form[data-replay]');
    // The nav link is followed by the page's script, with the token: the overview includes the dead-letter count.
    await page.click('nav a[href="/console/orders"]');
    await page.waitForSelector('#dead-letter-summary strong');
    expect(await page.$eval('ul.counts', (counts) => counts.textContent!.replace(/\s+/g, ' '))).toMatch(/\d+ paid .*\d+ events in the outbox .*\d+ dead letters/);

    const orderId = await place(undefined, 'live-view');
    await page.waitForSelector(`a[href="/console/orders/${orderId}"]`);
    expect(await page.url()).toBe(`${app.url}/console/orders`);
    await screenshot(page, 'orders-overview');
  });

  /** Presses Tab until `selector` has the focus: it is reachable by keyboard, in the page's order. */
  async function tabTo(selector: string): Promise<void> {
    for (let presses = 0; presses < 120; presses++) {
      if (await page.$eval(selector, (element) => element === document.activeElement)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`${selector} is not reachable with the Tab key`);
  }
});
