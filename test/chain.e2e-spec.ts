import { eventually } from './support/eventually';
import { startTestApp, TestApp } from './support/test-app';

describe('the order chain in one process', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it('takes an order through reservation and payment to paid', async () => {
    const placed = await app.http('POST', '/orders', { userId: 'alice', items: [{ sku: 'SKU-001', quantity: 2 }] });
    expect(placed).toEqual({ status: 202, body: { orderId: expect.any(String), status: 'pending' } });
    const order = await eventually(async () => {
      const { body } = await app.http('GET', `/orders/${placed.body.orderId}`);
      expect(body.status).toBe('paid');
      return body;
    });
    expect(order.total).toBe('49.98');
    expect((await app.http('GET', '/inventory/SKU-001')).body.available).toBe(98);
  });
});
