import { eventually } from './support/eventually';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Prices, payment requests and order totals carry the catalog currency's own minor units (ISO 4217):
 * none for JPY, three for BHD; an amount its currency cannot hold is refused.
 */
describe.each([
  ['JPY', '1200', '2400', '12.5'],
  ['BHD', '1.250', '2.500', '1.2345'],
])('a catalog priced in %s', (currency, price, total, tooPrecise) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ INVENTORY_CURRENCY: currency });
  });
  afterAll(() => app?.stop());

  it(`shows prices and order totals with ${currency}'s fraction digits`, async () => {
    const put = await app.http('PUT', '/inventory/SKU-CUR', { name: 'Tea', price, available: 10 }, { admin: true });
    expect(put).toEqual({ status: 200, body: expect.objectContaining({ price, currency }) });
    const placed = await app.http('POST', '/orders', { userId: 'currency-user', items: [{ sku: 'SKU-CUR', quantity: 2 }] });
    expect(placed.status).toBe(202);
    await eventually(async () => {
      const { body } = await app.http('GET', `/orders/${placed.body.orderId}`);
      expect(body).toMatchObject({ status: 'paid', total: total, currency });
    });
  });

  it(`refuses a price with more fraction digits than ${currency} has`, async () => {
    const put = await app.http('PUT', '/inventory/SKU-CUR', { price: tooPrecise }, { admin: true });
    expect(put).toEqual({ status: 400, body: expect.objectContaining({ code: 'MONEY_AMOUNT_INVALID' }) });
  });
});
