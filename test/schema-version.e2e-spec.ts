import { randomUUID } from 'node:crypto';
import { eventually } from './support/eventually';
import { BundleProcess, buildSplitBundles } from './support/split/bundles';
import { createTestDatabase, TestDatabase } from './support/test-database';

/**
 * A split bundle does not migrate at start: the rollout's migrate Job does, once (docs/adr/0023). Started on a
 * schema that is behind, a bundle says so and stays unready, so Knative routes nothing to it; once `migrate`
 * has run it becomes ready by itself and serves.
 */
describe('a split bundle started before its migrations', () => {
  const build = buildSplitBundles();
  let db: TestDatabase;
  let inventory: BundleProcess;

  beforeAll(async () => {
    db = await createTestDatabase();
    inventory = new BundleProcess('inventory', build.dir, { DATABASE_URL: db.url, K_SINK: '', LOG_LEVEL: 'info' });
  });

  afterAll(async () => {
    await inventory?.stop();
    await db?.drop();
    build.remove();
  });

  it('refuses readiness naming the migrations it lacks, and serves once migrate has run', async () => {
    await inventory.listen();

    const behind = await fetch(`${inventory.url}/readyz`);
    expect(behind.status).toBe(503);
    const { error } = (await behind.json()) as { error: Record<string, { message: string }> };
    expect(error.migrations.message).toMatch(/^schema behind: 4 migration\(s\) not applied \(EventsSchema1732500000000, .*InventorySchema1732500000200.*\); run the migrate command/);
    await eventually(() => expect(inventory.output.join('')).toMatch(/"code":"SCHEMA_BEHIND"/));

    const migrated = await inventory.migrate();
    expect(JSON.parse(migrated.trim())).toMatchObject({ code: 'MIGRATED', modules: ['inventory'], applied: expect.arrayContaining(['EventsSchema1732500000000', 'InventorySchema1732500000200']) });

    await eventually(async () => expect((await fetch(`${inventory.url}/readyz`)).status).toBe(200));
    const orderId = randomUUID();
    const delivery = await fetch(inventory.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': randomUUID(), 'ce-source': 'test', 'ce-type': 'com.toolsku.order.created', 'ce-subject': orderId },
      body: JSON.stringify({ orderId, userId: 'ursula', items: [{ sku: 'SKU-001', quantity: 1 }] }),
    });
    expect(delivery.status).toBeLessThan(300);
    expect(await db.query('SELECT 1 FROM events.inbox WHERE subject = $1', [orderId])).toHaveLength(1);
  });
});
