import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CloudEvent } from 'cloudevents';
import { ClsService } from 'nestjs-cls';
import { z } from 'zod';
import { HandlerTracer } from '../../platform/tracing/handler-tracer';
import { defineEvent } from '../contract';
import { Inbox } from '../inbox/inbox';
import { DeliveryDeadline } from './delivery-deadline';
import { deliveryPolicy } from './delivery-policy';
import { Delivery, DeliveryTransaction } from './delivery-transaction';
import { LocalSubscription } from './subscription-registry';
import { TimedOutTransactions } from './timed-out-transactions';
import { inboxKey, InMemoryInbox } from './testing/in-memory-inbox';
import { EndingTimedOutTransactions, InMemoryTransactions } from './testing/in-memory-transactions';
import { RecordingHandler } from './testing/recording-handler';

const Happened = defineEvent('order.created', 'orders', z.object({ n: z.number() }));
const SUBSCRIPTION = 'orders-record-it';

/** The pass-through tracer and context: the spec looks at transactions, not at spans or the CLS store. */
const tracer: HandlerTracer = { run: (_subscription, _event, _attempt, work) => work('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), shutdown: async () => {} };
const cls = { run: (_options: unknown, work: () => unknown) => work(), set: () => undefined };

const delivery = (id: string): Delivery => ({ event: new CloudEvent({ id, source: 'orders', type: 'com.toolsku.order.created', data: { n: 1 } }), data: { n: 1 }, attempt: 1 });
const deliveries = (...ids: string[]) => ids.map(delivery);

/** A failure that is no handler's: a statement of the delivery transaction itself. */
class StatementFailed extends Error {}

describe('a delivery transaction (unit)', () => {
  let database: InMemoryTransactions;
  let inbox: InMemoryInbox;
  let handler: RecordingHandler;
  let timedOut: EndingTimedOutTransactions;
  let transaction: DeliveryTransaction;
  let subscription: LocalSubscription;
  const deadlines: DeliveryDeadline[] = [];

  beforeEach(() => {
    database = new InMemoryTransactions();
    inbox = new InMemoryInbox(database);
    handler = new RecordingHandler(database);
    timedOut = new EndingTimedOutTransactions(database);
    subscription = { name: SUBSCRIPTION, subscriber: 'orders', contract: Happened, delivery: deliveryPolicy(), batched: true, invoke: handler.invoke };
    transaction = new DeliveryTransaction(
      database as unknown as TransactionHost<TransactionalAdapterTypeOrm>,
      inbox as unknown as Inbox,
      cls as unknown as ClsService,
      tracer,
      timedOut as unknown as TimedOutTransactions,
    );
  });

  afterEach(() => {
    deadlines.splice(0).forEach((deadline) => deadline.clear());
    jest.useRealTimers();
  });

  const deadline = (ms = 60_000) => {
    const made = new DeliveryDeadline(ms, SUBSCRIPTION);
    deadlines.push(made);
    return made;
  };
  const run = (ids: string[], within = deadline()) => transaction.run(subscription, deliveries(...ids), within);
  /** Each transaction begun: how it ended and the events whose inbox rows it wrote. */
  const transactions = () =>
    database.transactions.map(
      ({ outcome, writes }) =>
        `${outcome}: ${writes
          .filter((key) => key.startsWith('inbox/'))
          .map((key) => key.split('/').pop())
          .join(',')}`,
    );
  const committedEffects = () => database.committedKeys('effect/').map((key) => key.split('/').pop());

  it('handles a batch in one transaction, each handler once', async () => {
    expect(await run(['e1', 'e2', 'e3'])).toEqual([{ value: 'handled' }, { value: 'handled' }, { value: 'handled' }]);
    expect(transactions()).toEqual(['commit: e1,e2,e3']);
    expect(handler.runs()).toEqual({ e1: 1, e2: 1, e3: 1 });
    expect(committedEffects()).toEqual(['e1', 'e2', 'e3']);
  });

  it('reports an event the inbox has seen as a duplicate, without invoking its handler', async () => {
    await run(['e2']);
    handler.invoked.length = 0;

    expect(await run(['e1', 'e2', 'e3', 'e3'])).toEqual([{ value: 'handled' }, { value: 'duplicate' }, { value: 'handled' }, { value: 'duplicate' }]);
    expect(handler.invoked).toEqual(['e1', 'e3']);
    expect(database.committedKeys('inbox/')).toEqual(['e2', 'e1', 'e3'].map((id) => inboxKey(SUBSCRIPTION, id)));
  });

  it('rolls back when a handler throws, runs the ones before it a second time and the ones after it once, and reports the failed one with its cause', async () => {
    const cause = new Error('the stock row is gone');
    handler.failFor('e3', cause);

    const results = await run(['e1', 'e2', 'e3', 'e4']);

    expect(results).toEqual([{ value: 'handled' }, { value: 'handled' }, { error: cause }, { value: 'handled' }]);
    expect((results[2] as { error: unknown }).error).toBe(cause);
    expect(handler.runs()).toEqual({ e1: 2, e2: 2, e3: 1, e4: 1 });
    expect(transactions()).toEqual(['rollback: e1,e2,e3,e4', 'commit: e1,e2', 'commit: e4']);
    // The rolled-back transaction's effects are gone: each committed once, the failed one never.
    expect(committedEffects()).toEqual(['e1', 'e2', 'e4']);
  });

  it('reports a lone delivery’s failure as its handler’s own error', async () => {
    const cause = new Error('declined');
    handler.failFor('e1', cause);

    expect(await run(['e1'])).toEqual([{ error: cause }]);
    expect(transactions()).toEqual(['rollback: e1']);
  });

  it('gives each delivery a transaction of its own when the batch fails outside any handler', async () => {
    const failure = new StatementFailed('the inbox insert failed');
    inbox.failNextRecord(failure);

    expect(await run(['e1', 'e2', 'e3'])).toEqual([{ value: 'handled' }, { value: 'handled' }, { value: 'handled' }]);
    expect(transactions()).toEqual(['rollback: ', 'commit: e1', 'commit: e2', 'commit: e3']);
    expect(handler.runs()).toEqual({ e1: 1, e2: 1, e3: 1 });
  });

  it('runs a delivery that would not wait for a lock (55P03) again alone, within the attempt, instead of failing it', async () => {
    handler.failFor('e2', Object.assign(new Error('could not obtain lock on row in relation "stock"'), { code: '55P03' }), 1);

    expect(await run(['e1', 'e2', 'e3'])).toEqual([{ value: 'handled' }, { value: 'handled' }, { value: 'handled' }]);
    expect(transactions()).toEqual(['rollback: e1,e2,e3', 'commit: e1', 'commit: e2', 'commit: e3']);
    expect(handler.runs()).toEqual({ e1: 2, e2: 2, e3: 1 });
  });

  it('fails every delivery with the deadline’s reason, invoking nothing, once the deadline has passed', async () => {
    jest.useFakeTimers();
    const passed = deadline(1000);
    jest.advanceTimersByTime(1000);

    const results = await run(['e1', 'e2'], passed);

    expect(results).toEqual([{ error: passed.reason }, { error: passed.reason }]);
    expect(passed.reason.code).toBe('EVENT_DELIVERY_TIMEOUT');
    expect(handler.invoked).toEqual([]);
    expect(database.transactions).toEqual([]);
  });

  it('ends the open transaction when the deadline passes mid-batch, and fails every unsettled delivery with its reason', async () => {
    jest.useFakeTimers();
    handler.hangFor('e2');
    const within = deadline(1000);

    const results = run(['e1', 'e2', 'e3'], within);
    await jest.advanceTimersByTimeAsync(1000);

    expect(await results).toEqual([{ error: within.reason }, { error: within.reason }, { error: within.reason }]);
    expect(timedOut.ended).toEqual([database.transactions[0].queryRunner]);
    expect(transactions()).toEqual(['rollback: e1,e2,e3']);
    expect(handler.invoked).toEqual(['e1', 'e2']);
    expect(committedEffects()).toEqual([]);
  });
});
