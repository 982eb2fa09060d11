import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { EventsSchema1732500000000 } from '../../events/migrations/1732500000000-events-schema';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'embedded-postgres-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function inTransaction(pool: Pool, work: (client: PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

describe('startEmbeddedPostgres', () => {
  it('creates a missing data directory and keeps committed rows across a restart', async () => {
    const dataDir = join(root, 'restart', 'pglite');

    const first = await startEmbeddedPostgres(dataDir);
    try {
      expect(first.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      await withClient(first.url, async (client) => {
        await client.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
        await client.query('INSERT INTO notes VALUES ($1, $2), ($3, $4)', [1, 'first', 2, 'second']);
        await client.query('BEGIN');
        await client.query('INSERT INTO notes VALUES ($1, $2)', [3, 'never committed']);
        await client.query('ROLLBACK');
      });
    } finally {
      await first.stop();
    }
    expect((await stat(dataDir)).isDirectory()).toBe(true);
    await expect(withClient(first.url, (client) => client.query('SELECT 1'))).rejects.toThrow();
    await expect(first.stop()).resolves.toBeUndefined();

    const second = await startEmbeddedPostgres(dataDir);
    try {
      const { rows } = await withClient(second.url, (client) => client.query('SELECT id, body FROM notes ORDER BY id'));
      expect(rows).toEqual([
        { id: 1, body: 'first' },
        { id: 2, body: 'second' },
      ]);
    } finally {
      await second.stop();
    }
  });

  describe('when running', () => {
    let postgres: EmbeddedPostgres;

    beforeAll(async () => {
      postgres = await startEmbeddedPostgres(join(root, 'running'));
    });

    afterAll(async () => {
      await postgres?.stop();
    });

    it('supports schemas, CHECK constraints, partial indexes, jsonb, bigint, timestamptz and gen_random_uuid()', async () => {
      await withClient(postgres.url, async (client) => {
        await client.query('CREATE SCHEMA features');
        await client.query(`
          CREATE TABLE features.jobs (
            id bigserial PRIMARY KEY,
            uid uuid NOT NULL DEFAULT gen_random_uuid(),
            payload jsonb NOT NULL,
            amount bigint NOT NULL CHECK (amount >= 0),
            due_at timestamptz NOT NULL,
            done_at timestamptz
          )`);
        await client.query('CREATE INDEX jobs_pending ON features.jobs (id) WHERE done_at IS NULL');

        const dueAt = new Date('2030-01-02T03:04:05.678Z');
        const inserted = await client.query('INSERT INTO features.jobs (payload, amount, due_at) VALUES ($1, $2, $3) RETURNING uid, payload, amount, due_at', [{ sku: 'A-1', qty: 2 }, '9007199254740993', dueAt]);
        expect(inserted.rows).toEqual([
          {
            uid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
            payload: { sku: 'A-1', qty: 2 },
            amount: '9007199254740993',
            due_at: dueAt,
          },
        ]);

        await expect(client.query('INSERT INTO features.jobs (payload, amount, due_at) VALUES ($1, $2, $3)', [{}, -1, dueAt])).rejects.toMatchObject({ code: '23514', constraint: 'jobs_amount_check' });

        await client.query('BEGIN');
        await client.query('SET LOCAL enable_seqscan = off');
        const plan = await client.query('EXPLAIN SELECT id FROM features.jobs WHERE done_at IS NULL');
        await client.query('COMMIT');
        expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('jobs_pending');
      });
    });

    it('returns only the new rows from INSERT ... ON CONFLICT DO NOTHING RETURNING fed by unnest($1::text[])', async () => {
      await withClient(postgres.url, async (client) => {
        await client.query('CREATE SCHEMA dedupe');
        await client.query('CREATE TABLE dedupe.seen (event_id text PRIMARY KEY, seen_at timestamptz NOT NULL DEFAULT now())');
        const insert = 'INSERT INTO dedupe.seen (event_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING event_id';

        expect((await client.query(insert, [['e1', 'e2']])).rows).toEqual([{ event_id: 'e1' }, { event_id: 'e2' }]);
        expect((await client.query(insert, [['e2', 'e3']])).rows).toEqual([{ event_id: 'e3' }]);
      });
    });

    it('claims pending rows with SELECT ... FOR UPDATE SKIP LOCKED inside a transaction', async () => {
      await withClient(postgres.url, async (client) => {
        await client.query('CREATE SCHEMA queue');
        await client.query('CREATE TABLE queue.outbox (id bigserial PRIMARY KEY, body text NOT NULL, sent_at timestamptz)');
        await client.query('CREATE INDEX outbox_pending ON queue.outbox (id) WHERE sent_at IS NULL');
        await client.query('INSERT INTO queue.outbox (body) SELECT unnest($1::text[])', [['a', 'b', 'c']]);

        await client.query('BEGIN');
        const claimed = await client.query('SELECT id, body FROM queue.outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED', [2]);
        await client.query('UPDATE queue.outbox SET sent_at = now() WHERE id = ANY($1::bigint[])', [claimed.rows.map((row) => row.id)]);
        await client.query('COMMIT');

        expect(claimed.rows.map((row) => row.body)).toEqual(['a', 'b']);
        const pending = await client.query('SELECT body FROM queue.outbox WHERE sent_at IS NULL');
        expect(pending.rows).toEqual([{ body: 'c' }]);
      });
    });

    it('runs the app migrations through TypeORM with a pool of maxConnections', async () => {
      const dataSource = new DataSource({
        type: 'postgres',
        url: postgres.url,
        migrations: [EventsSchema1732500000000],
        migrationsTransactionMode: 'each',
        extra: { max: postgres.maxConnections },
      });
      await dataSource.initialize();
      try {
        expect((await dataSource.runMigrations()).map((migration) => migration.name)).toEqual(['EventsSchema1732500000000']);
        expect(await dataSource.runMigrations()).toEqual([]);

        const eventId = await dataSource.transaction(async (manager) => {
          await manager.query(`INSERT INTO events.outbox (event_id, type, event) VALUES ($1, $2, $3)`, ['ev-1', 'order.placed', { id: 'o-1' }]);
          const [row] = await manager.query('SELECT event_id FROM events.outbox WHERE dispatched_at IS NULL FOR UPDATE SKIP LOCKED');
          return row.event_id;
        });
        expect(eventId).toBe('ev-1');
      } finally {
        await dataSource.destroy();
      }
    });

    describe('with more than one connection', () => {
      it('gives every connection the same Postgres session', async () => {
        await withClient(postgres.url, (a) =>
          withClient(postgres.url, async (b) => {
            const pid = 'SELECT pg_backend_pid() AS pid';
            expect((await a.query(pid)).rows).toEqual((await b.query(pid)).rows);

            // On a real server the second connection would be refused the lock the first one holds.
            const tryLock = 'SELECT pg_try_advisory_lock($1) AS locked';
            expect((await a.query(tryLock, [42])).rows).toEqual([{ locked: true }]);
            expect((await b.query(tryLock, [42])).rows).toEqual([{ locked: true }]);
            await a.query('SELECT pg_advisory_unlock_all()');
          }),
        );
      });

      it('keeps an open transaction to its connection: another connection waits and is not rolled back with it', async () => {
        await withClient(postgres.url, (a) =>
          withClient(postgres.url, async (b) => {
            await a.query('CREATE SCHEMA sticky');
            await a.query('CREATE TABLE sticky.marks (who text NOT NULL)');

            await a.query('BEGIN');
            await a.query(`INSERT INTO sticky.marks VALUES ('a')`);
            let bFinished = false;
            const fromB = b.query(`INSERT INTO sticky.marks VALUES ('b')`).then(() => (bFinished = true));
            // Round trips on A give B's insert time to reach the server and queue behind A's transaction.
            for (let i = 0; i < 5; i++) await a.query('SELECT 1');
            expect(bFinished).toBe(false);
            await a.query('ROLLBACK');
            await fromB;

            expect((await a.query('SELECT who FROM sticky.marks')).rows).toEqual([{ who: 'b' }]);
          }),
        );
      });

      it("runs another connection's SQL for a query whose messages arrive in two reads", async () => {
        // What a large parameter split over TCP reads does by chance, made deterministic: A's Parse reaches
        // the server, then B runs a whole query, then the rest of A's query (Bind, Describe, Execute, Sync).
        const split = splittableSocket();
        const a = new Client({ connectionString: postgres.url, stream: () => split.socket });
        const b = new Client({ connectionString: postgres.url });
        await a.connect();
        await b.connect();
        try {
          split.hold();
          const fromA = a.query('SELECT $1::text AS a_column', ['sent by A']);
          await split.sendFirstMessage();

          expect((await b.query('SELECT $1::text AS b_column', ['sent by B'])).rows).toEqual([{ b_column: 'sent by B' }]);

          split.release();
          expect((await fromA).rows).toEqual([{ b_column: 'sent by A' }]);
        } finally {
          await a.end();
          await b.end();
        }
      });

      it('serialises concurrent transactions and large queries through a pool of maxConnections', async () => {
        expect(postgres.maxConnections).toBe(1);
        const pool = new Pool({ connectionString: postgres.url, max: postgres.maxConnections });
        try {
          await pool.query('CREATE SCHEMA pooled');
          await pool.query('CREATE TABLE pooled.counter (n int NOT NULL)');
          await pool.query('INSERT INTO pooled.counter VALUES (0)');
          const large = 'x'.repeat(1_000_000);

          const increments = Array.from({ length: 20 }, () =>
            inTransaction(pool, async (client) => {
              // Read-modify-write without a lock: only correct if no other transaction runs in between.
              const { rows } = await client.query('SELECT n FROM pooled.counter');
              await client.query('UPDATE pooled.counter SET n = $1', [rows[0].n + 1]);
            }),
          );
          const echoes = Array.from({ length: 10 }, (_, i) => pool.query('SELECT $1::int AS i, length($2::text) AS length', [i, i % 2 ? large : 'small']));
          await Promise.all(increments);

          expect((await Promise.all(echoes)).map((result) => result.rows[0])).toEqual(Array.from({ length: 10 }, (_, i) => ({ i, length: i % 2 ? large.length : 'small'.length })));
          expect((await pool.query('SELECT n FROM pooled.counter')).rows).toEqual([{ n: 20 }]);
        } finally {
          await pool.end();
        }
      });
    });
  });
});

/**
 * A client socket whose writes can be held back and then delivered in two parts: the first protocol
 * message (followed by a Flush, so the server answers it at once), then everything else.
 */
function splittableSocket() {
  const socket = new Socket();
  const write = (bytes: Buffer) => Socket.prototype.write.call(socket, bytes);
  const flush = Buffer.from([0x48, 0, 0, 0, 4]);
  const held: Buffer[] = [];
  let rest = Buffer.alloc(0);
  return {
    socket,
    /** Call once connected: connecting resets `write`. */
    hold: () => {
      socket.write = ((chunk: Uint8Array) => {
        held.push(Buffer.from(chunk));
        return true;
      }) as Socket['write'];
    },
    async sendFirstMessage(): Promise<void> {
      const bytes = Buffer.concat(held);
      if (bytes[0] !== 'P'.charCodeAt(0)) throw new Error('expected the held query to start with a Parse message');
      const length = 1 + bytes.readInt32BE(1);
      rest = bytes.subarray(length);
      const answered = once(socket, 'data');
      write(Buffer.concat([bytes.subarray(0, length), flush]));
      await answered;
    },
    release: () => {
      socket.write = Socket.prototype.write;
      write(rest);
    },
  };
}
