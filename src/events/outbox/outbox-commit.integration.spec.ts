import { CloudEventV1 } from 'cloudevents';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../test/support/in-transaction';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { EventsConfig } from '../events.config';
import { EventsSchema1732500000000 } from '../migrations/1732500000000-events-schema';
import { OutboxCommit, publishedIn, unwrittenIn } from './outbox-commit';
import { PostgresOutboxRows } from './postgres-outbox-rows';

const event = (id: string): CloudEventV1<unknown> => ({ specversion: '1.0', id, source: 'test', type: 'com.toolsku.test.happened', subject: 'order-1', data: { id } });

describe('writing a transaction’s published events into the outbox as it commits', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const statements: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: [EventsSchema1732500000000], migrationsRun: true, logging: false }).initialize();
    new OutboxCommit(dataSource, new PostgresOutboxRows(dataSource), { EVENTS_OUTBOX_DISPATCH: true, EVENTS_OUTBOX_LEASE: 'PT10S' } as EventsConfig).onModuleInit();
    dataSource.subscribers.push({ beforeQuery: ({ query }) => void statements.push(query) });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  beforeEach(() => void (statements.length = 0));

  const outbox = () => dataSource.query<{ id: string; event_id: string; attempts: number }[]>('SELECT id, event_id, attempts FROM events.outbox ORDER BY id');

  it('writes every event in one statement and hands them over leased, in the order they were published', async () => {
    const queryRunner = await inTransaction(dataSource, async (runner) => void unwrittenIn(runner).push(event('a'), event('b'), event('c')));

    expect(statements.filter((sql) => sql.includes('INSERT INTO events.outbox'))).toHaveLength(1);
    const rows = await outbox();
    expect(rows.map((row) => [row.event_id, row.attempts])).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    expect(publishedIn(queryRunner).map(({ id, event: { id: eventId } }) => [id, eventId])).toEqual(rows.map((row) => [row.id, row.event_id]));
  });

  it('writes nothing for a transaction that rolls back', async () => {
    const before = await outbox();
    await expect(
      inTransaction(dataSource, async (runner) => {
        unwrittenIn(runner).push(event('lost'));
        throw new Error('the handler failed');
      }),
    ).rejects.toThrow('the handler failed');

    expect(await outbox()).toEqual(before);
    expect(statements.filter((sql) => sql.includes('INSERT INTO events.outbox'))).toEqual([]);
  });

  it('takes back only what a nested transaction published when it rolls back', async () => {
    await inTransaction(dataSource, async (runner) => {
      unwrittenIn(runner).push(event('outer'));
      await runner.startTransaction();
      unwrittenIn(runner).push(event('inner'));
      await runner.rollbackTransaction();
      await runner.startTransaction();
      unwrittenIn(runner).push(event('kept'));
      await runner.commitTransaction();
    });

    expect((await outbox()).map((row) => row.event_id).slice(-2)).toEqual(['outer', 'kept']);
  });
});
