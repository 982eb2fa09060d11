import { Client } from 'pg';
import { eventually } from '../eventually';
import { createTestDatabase, TestDatabase } from '../test-database';
import { TcpFaultProxy } from './tcp-proxy';

describe('TcpFaultProxy between a pg client and Postgres', () => {
  let db: TestDatabase;
  let proxy: TcpFaultProxy;
  const clients: Client[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  beforeEach(async () => {
    proxy = await TcpFaultProxy.inFrontOf(db.url);
  });
  afterEach(async () => {
    await proxy.close();
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)));
  });
  afterAll(() => db.drop());

  /** A client through the proxy; a dropped connection is what these tests cause, so its error event is expected. */
  async function connectThroughProxy(): Promise<Client> {
    const client = new Client({ connectionString: proxy.urlThrough(db.url) });
    client.on('error', () => undefined);
    clients.push(client);
    await client.connect();
    return client;
  }

  const selectOne = async (client: Client) => (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0].one;

  it('forwards queries and their results', async () => {
    const client = await connectThroughProxy();
    expect(await selectOne(client)).toBe(1);
    expect(proxy.connections).toBe(1);
  });

  it('fails open connections and refuses new ones on cut, and connects again after heal', async () => {
    const client = await connectThroughProxy();
    proxy.cut();
    await expect(selectOne(client)).rejects.toThrow();
    await expect(connectThroughProxy()).rejects.toThrow();
    proxy.heal();
    expect(await selectOne(await connectThroughProxy())).toBe(1);
  });

  it('holds a query while stalled and delivers its answer after heal', async () => {
    const client = await connectThroughProxy();
    proxy.stall();
    let settled = false;
    const answer = selectOne(client).finally(() => (settled = true));
    await eventually(() => expect(proxy.heldBytes).toBeGreaterThan(0));
    expect(settled).toBe(false);
    proxy.heal();
    expect(await answer).toBe(1);
  });

  it('aborts open connections with a reset while new ones still connect', async () => {
    const client = await connectThroughProxy();
    proxy.reset();
    await expect(selectOne(client)).rejects.toThrow();
    expect(await selectOne(await connectThroughProxy())).toBe(1);
  });
});
