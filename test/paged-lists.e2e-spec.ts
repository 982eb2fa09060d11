import { startTestApp, TestApp } from './support/test-app';

/**
 * `GET /orders`, `GET /dead-letters` and `GET /notifications` page through everything with an opaque cursor, newest first,
 * rows sharing one creation time included, instead of stopping at a fixed count.
 */
describe('paged lists', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  async function everyPage(path: string, limit: number): Promise<{ pages: number[]; ids: string[] }> {
    const pages: number[] = [];
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const { status, body }: { status: number; body: { items: { id?: string; orderId?: string }[]; nextCursor: string | null } } = await app.http(
        'GET',
        `${path}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        undefined,
        { admin: true },
      );
      expect(status).toBe(200);
      pages.push(body.items.length);
      ids.push(...body.items.map((item) => (item.id ?? item.orderId)!));
      cursor = body.nextCursor;
    } while (cursor !== null && pages.length < 10);
    return { pages, ids };
  }

  it('pages past 500 dead letters, each once, newest first', async () => {
    // Five share one creation time: the id orders them, so a page boundary between them loses none.
    await app.db.query(
      `INSERT INTO deadletter.events (subscription, event_id, event_source, event_type, event, attempts, error_code, error_message, created_at)
       SELECT 'orders-record', 'e-' || n, '/test', 'com.toolsku.order.created', '{}'::jsonb, 1, 'TEST', 'test', CASE WHEN n <= 5 THEN '2026-01-01T00:00:00Z' ELSE now() - n * interval '1 microsecond' END
       FROM generate_series(1, 505) AS n`,
    );
    const stored = await app.db.query<{ id: string }>('SELECT id FROM deadletter.events ORDER BY created_at DESC, id DESC');
    expect(await everyPage('/dead-letters', 500)).toEqual({ pages: [500, 5], ids: stored.map((row) => row.id) });
    expect((await everyPage('/dead-letters?status=dead', 101)).ids).toEqual(stored.map((row) => row.id));
    expect((await everyPage('/dead-letters?subscription=orders-record&type=com.toolsku.order.created&errorCode=TEST', 500)).ids).toEqual(stored.map((row) => row.id));
    for (const filter of ['subscription=payment-take', 'type=com.toolsku.payment.result', 'errorCode=OTHER', 'status=replayed']) {
      expect(await everyPage(`/dead-letters?${filter}`, 500)).toEqual({ pages: [0], ids: [] });
    }
  });

  it("pages through a user's notifications and no one else's", async () => {
    await app.db.query(
      `INSERT INTO notification.notifications (user_id, order_id, channel, title, body, created_at)
       SELECT CASE WHEN n % 2 = 0 THEN 'pager' ELSE 'other' END, 'o-' || n, 'log', 't', 'b', CASE WHEN n <= 6 THEN '2026-01-01T00:00:00Z'::timestamptz ELSE now() END
       FROM generate_series(1, 14) AS n`,
    );
    const stored = await app.db.query<{ id: string }>(`SELECT id FROM notification.notifications WHERE user_id = 'pager' ORDER BY created_at DESC, id DESC`);
    expect(await everyPage('/notifications?userId=pager', 3)).toEqual({ pages: [3, 3, 1], ids: stored.map((row) => row.id) });
  });

  it('pages through every order, ids of any producer included, and filters by status and customer', async () => {
    // Orders placed outside carry the id their producer chose (not a uuid); three share one creation time.
    await app.db.query(
      `INSERT INTO orders.orders (id, user_id, status, items, currency, payment_method, created_at)
       SELECT CASE WHEN n % 3 = 0 THEN 'ORD-' || n ELSE gen_random_uuid()::text END, CASE WHEN n % 2 = 0 THEN 'pager' ELSE 'other' END,
              CASE WHEN n % 4 = 0 THEN 'paid' ELSE 'pending' END, '[]'::jsonb, 'USD', 'card', CASE WHEN n <= 3 THEN '2026-01-01T00:00:00Z'::timestamptz ELSE now() - n * interval '1 microsecond' END
       FROM generate_series(1, 11) AS n`,
    );
    const ids = async (where: string) => (await app.db.query<{ id: string }>(`SELECT id FROM orders.orders ${where} ORDER BY created_at DESC, id DESC`)).map((row) => row.id);
    expect(await everyPage('/orders', 4)).toEqual({ pages: [4, 4, 3], ids: await ids('') });
    expect((await everyPage('/orders?status=paid', 1)).ids).toEqual(await ids("WHERE status = 'paid'"));
    expect((await everyPage('/orders?userId=pager', 2)).ids).toEqual(await ids("WHERE user_id = 'pager'"));
  });

  it.each([
    ['/orders?status=lost', 'REQUEST_INVALID'],
    ['/dead-letters?limit=501', 'REQUEST_INVALID'],
    ['/dead-letters?limit=0', 'REQUEST_INVALID'],
    ['/dead-letters?cursor=not-a-cursor', 'CURSOR_INVALID'],
    [`/notifications?userId=pager&cursor=${Buffer.from(JSON.stringify({ at: 'yesterday', id: 'x' })).toString('base64url')}`, 'CURSOR_INVALID'],
  ])('GET %s answers 400 %s', async (path, code) => {
    expect(await app.http('GET', path, undefined, { admin: true })).toEqual({ status: 400, body: expect.objectContaining({ code }) });
  });
});
