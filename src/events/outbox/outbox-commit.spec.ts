import { CloudEventV1 } from 'cloudevents';
import { EntitySubscriberInterface, QueryRunner } from 'typeorm';
import { EventsConfig } from '../events.config';
import { OutboxCommit, publishedIn, unwrittenIn } from './outbox-commit';
import { InMemoryOutboxRows } from './testing/in-memory-outbox-rows';

const event = (id: string): CloudEventV1<unknown> => ({ specversion: '1.0', id, source: 'test', type: 'com.toolsku.test.happened', subject: 'order-1', data: { id } });

/**
 * A connection's transactions as TypeORM's query runner reports them to subscribers: a nested transaction is a
 * savepoint with the same hooks; `before…Commit` is awaited before COMMIT; a COMMIT that fails reports no commit,
 * and the caller then rolls back.
 */
class Connection {
  readonly queryRunner = { data: {} } as QueryRunner;
  private depth = 0;

  constructor(private readonly subscribers: EntitySubscriberInterface[]) {}

  async begin(): Promise<void> {
    this.depth++;
    await this.broadcast('afterTransactionStart');
  }

  async commit({ failing }: { failing?: Error } = {}): Promise<void> {
    await this.broadcast('beforeTransactionCommit');
    if (failing) throw failing;
    this.depth--;
    await this.broadcast('afterTransactionCommit');
  }

  async rollback(): Promise<void> {
    this.depth--;
    await this.broadcast('afterTransactionRollback');
  }

  private async broadcast(hook: 'afterTransactionStart' | 'beforeTransactionCommit' | 'afterTransactionCommit' | 'afterTransactionRollback'): Promise<void> {
    for (const subscriber of this.subscribers) await subscriber[hook]?.({ queryRunner: this.queryRunner } as never);
  }
}

describe('writing a transaction’s published events into the outbox as it commits (unit)', () => {
  let rows: InMemoryOutboxRows;
  let write: jest.SpyInstance;
  let connection: Connection;

  function commitHook(dispatching = true): void {
    const subscribers: EntitySubscriberInterface[] = [];
    new OutboxCommit({ subscribers }, rows, { EVENTS_OUTBOX_DISPATCH: dispatching, EVENTS_OUTBOX_LEASE: 'PT10S' } as EventsConfig).onModuleInit();
    connection = new Connection(subscribers);
  }

  const publish = (...ids: string[]) => unwrittenIn(connection.queryRunner).push(...ids.map(event));
  const written = () => write.mock.calls.map(([, events]: [unknown, CloudEventV1<unknown>[]]) => events.map(({ id }) => id));

  beforeEach(() => {
    rows = new InMemoryOutboxRows();
    write = jest.spyOn(rows, 'write');
    commitHook();
  });

  it('writes all of its events in one write, in publish order, leased for the lease, and hands them over with their row ids', async () => {
    await connection.begin();
    publish('a', 'b', 'c');
    await connection.commit();

    expect(written()).toEqual([['a', 'b', 'c']]);
    expect(write.mock.calls[0].slice(2)).toEqual([1, 10_000]);
    expect(publishedIn(connection.queryRunner)).toEqual(['a', 'b', 'c'].map((id) => ({ id: rows.row(id).id, attempts: 1, event: event(id) })));
  });

  it('writes nothing for a transaction that rolls back, and forgets its events', async () => {
    await connection.begin();
    publish('lost');
    await connection.rollback();

    expect(written()).toEqual([]);
    expect(unwrittenIn(connection.queryRunner)).toEqual([]);
  });

  it('writes at the outermost commit only: a nested transaction’s commit writes nothing yet', async () => {
    await connection.begin();
    publish('outer');
    await connection.begin();
    publish('inner');
    await connection.commit();
    expect(written()).toEqual([]);

    await connection.commit();
    expect(written()).toEqual([['outer', 'inner']]);
  });

  it('takes back only what a nested transaction published when it rolls back', async () => {
    await connection.begin();
    publish('outer');
    await connection.begin();
    publish('inner');
    await connection.rollback();
    await connection.begin();
    publish('kept');
    await connection.commit();
    await connection.commit();

    expect(written()).toEqual([['outer', 'kept']]);
  });

  it('pairs each event with its own row, whatever order the rows come back in, an event published twice included', async () => {
    write.mockImplementation(async (...args: Parameters<InMemoryOutboxRows['write']>) => (await InMemoryOutboxRows.prototype.write.apply(rows, args)).reverse());
    await connection.begin();
    publish('a', 'twice', 'b', 'twice');
    await connection.commit();

    expect(publishedIn(connection.queryRunner).map(({ id, event: { id: eventId } }) => [id, eventId])).toEqual(rows.rows.map((row) => [row.id, row.event.id]));
  });

  it('in a process that does not dispatch, writes the rows due at once with no attempt counted, and hands nothing over', async () => {
    commitHook(false);
    await connection.begin();
    publish('a');
    await connection.commit();

    expect(write.mock.calls[0].slice(2)).toEqual([0, 0]);
    expect(publishedIn(connection.queryRunner)).toEqual([]);
  });

  it('after a COMMIT failed and the transaction rolled back, the connection’s next transaction is the outermost again and writes', async () => {
    await connection.begin();
    publish('failed');
    await expect(connection.commit({ failing: new Error('connection reset') })).rejects.toThrow('connection reset');
    await connection.rollback();

    await connection.begin();
    publish('next');
    await connection.commit();
    expect(written()).toEqual([['failed'], ['next']]);
  });
});
