import { Logger } from '@nestjs/common';
import { CloudEvent, CloudEventV1 } from 'cloudevents';
import { EventsConfig } from '../events.config';
import { EventTransport } from '../transport/event-transport';
import { OutboxDispatcher } from './outbox-dispatcher';
import { InMemoryOutboxRows } from './testing/in-memory-outbox-rows';

const LEASE_MS = 10_000;
const POLL_MS = 1_000;

const event = (id: string): CloudEventV1<unknown> => ({ specversion: '1.0', id, source: 'test', type: 'com.toolsku.test.happened', subject: 'order-1', data: { id } });
const events = (...ids: string[]) => ids.map(event);

/** A transport whose sends the test answers one by one (or all at once, while `holding` is false). */
class AnsweredTransport implements EventTransport {
  readonly sent: string[] = [];
  holding = true;
  private readonly waiting: { id: string; resolve(): void; reject(error: Error): void }[] = [];

  publish(sent: CloudEvent<unknown>): Promise<void> {
    this.sent.push(sent.id);
    if (!this.holding) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiting.push({ id: sent.id, resolve, reject }));
  }

  get inFlight(): string[] {
    return this.waiting.map(({ id }) => id);
  }

  accept(id = this.waiting[0]?.id): void {
    this.answer(id).resolve();
  }

  refuse(id: string, error: Error): void {
    this.answer(id).reject(error);
  }

  private answer(id: string) {
    const index = this.waiting.findIndex((waiting) => waiting.id === id);
    if (index < 0) throw new Error(`${id} is not in flight`);
    return this.waiting.splice(index, 1)[0];
  }
}

function dispatcherOn(outbox: InMemoryOutboxRows, transport: EventTransport, concurrency: number): OutboxDispatcher {
  const config = { EVENTS_OUTBOX_DISPATCH: true, EVENTS_OUTBOX_LEASE: 'PT10S', EVENTS_OUTBOX_POLL_INTERVAL: 'PT1S', EVENTS_DISPATCH_CONCURRENCY: concurrency } as EventsConfig;
  return new OutboxDispatcher(outbox, transport, config);
}

/** Lets every promise chain, every setImmediate and every timer due now run, the clock standing still. */
async function settle(): Promise<void> {
  for (let round = 0; round < 10; round++) await jest.advanceTimersByTimeAsync(0);
}

describe('the outbox dispatcher', () => {
  let outbox: InMemoryOutboxRows;
  let transport: AnsweredTransport;
  const started: OutboxDispatcher[] = [];

  function start(concurrency = 2, on = transport, rows = outbox): OutboxDispatcher {
    const dispatcher = dispatcherOn(rows, on, concurrency);
    dispatcher.start();
    started.push(dispatcher);
    return dispatcher;
  }

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    // The clock is fake; setImmediate is not time (the dispatcher uses it to coalesce kicks), so it stays real.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    outbox = new InMemoryOutboxRows();
    transport = new AnsweredTransport();
  });
  afterEach(async () => {
    transport.holding = false;
    transport.inFlight.forEach((id) => transport.accept(id));
    const stopped = Promise.all(started.splice(0).map((dispatcher) => dispatcher.beforeApplicationShutdown()));
    await settle();
    await stopped;
    jest.useRealTimers();
  });

  it('sends the rows its own transactions commit as they commit, without a claim, and marks them dispatched together', async () => {
    const claim = jest.spyOn(outbox, 'claim');
    const mark = jest.spyOn(outbox, 'markDispatched');
    start();
    await settle();
    const claims = claim.mock.calls.length;

    const [a, b] = outbox.commit(events('a', 'b'), LEASE_MS);
    await settle();
    expect(transport.sent).toEqual(['a', 'b']);
    expect(claim.mock.calls.length).toBe(claims);

    transport.accept('a');
    transport.accept('b');
    await settle();
    await jest.advanceTimersByTimeAsync(50);
    expect(mark.mock.calls).toEqual([[[a.id, b.id]]]);
    expect([outbox.row('a').dispatched, outbox.row('b').dispatched]).toEqual([true, true]);
  });

  it('holds at most four committed rows per dispatch slot ready, and hands the rest back to the outbox, due now', async () => {
    const release = jest.spyOn(outbox, 'release');
    const dispatcher = start(1);
    await settle();

    const rows = outbox.commit(events('1', '2', '3', '4', '5', '6', '7'), LEASE_MS);
    await settle();
    expect(transport.inFlight).toEqual(['1']);
    expect(dispatcher.readyCount).toBe(3);
    expect(release.mock.calls).toEqual([[rows.slice(4).map((row) => row.id)]]);
    expect(outbox.row('5').dueAt).toBe(Date.now());
  });

  it('claims the rows it handed back as slots free, and sends every row exactly once', async () => {
    start(1);
    await settle();
    outbox.commit(events('1', '2', '3', '4', '5', '6', '7'), LEASE_MS);
    await settle();

    for (let sent = 1; sent <= 7; sent++) {
      transport.accept();
      await settle();
    }
    await jest.advanceTimersByTimeAsync(50);
    expect(transport.sent).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(outbox.rows.every((row) => row.dispatched)).toBe(true);
  });

  it('claims what other processes committed when the next poll comes round, no more rows than it has free slots', async () => {
    const claim = jest.spyOn(outbox, 'claim');
    start(2);
    await settle();
    outbox.committedElsewhere(events('x', 'y', 'z'));
    await settle();
    expect(transport.sent).toEqual([]);

    await jest.advanceTimersByTimeAsync(POLL_MS);
    await settle();
    expect(transport.sent).toEqual(['x', 'y']);
    expect(claim.mock.calls.at(-1)).toEqual([2, LEASE_MS]);
  });

  it('while sends are in flight, waits until a batch of an eighth of its slots fits before claiming', async () => {
    const claim = jest.spyOn(outbox, 'claim');
    start(16);
    await settle();
    outbox.commit(events(...Array.from({ length: 15 }, (_, n) => `own-${n}`)), LEASE_MS);
    outbox.committedElsewhere(events('elsewhere'));
    const claims = claim.mock.calls.length;

    await jest.advanceTimersByTimeAsync(POLL_MS);
    await settle();
    expect(claim.mock.calls.length).toBe(claims);

    transport.accept('own-0');
    await jest.advanceTimersByTimeAsync(POLL_MS);
    await settle();
    expect(claim.mock.calls.slice(claims)).toEqual([[2, LEASE_MS]]);
    expect(transport.sent).toContain('elsewhere');
  });

  it('leaves rows leased by a dispatcher that crashed alone until the lease ends, then takes them over', async () => {
    outbox.committedElsewhere(events('orphan'), 1, LEASE_MS);
    start();
    await settle();

    await jest.advanceTimersByTimeAsync(LEASE_MS - POLL_MS);
    expect(transport.sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(POLL_MS);
    await settle();
    expect(transport.sent).toEqual(['orphan']);
    expect(outbox.row('orphan').attempts).toBe(2);
  });

  it('renews the leases of its rows in flight and ready, so no other dispatcher takes them while a send is slow', async () => {
    const other = new AnsweredTransport();
    start(1);
    await settle();
    outbox.commit(events('slow', 'next'), LEASE_MS);
    await settle();
    start(1, other, outbox.anotherProcess());

    await jest.advanceTimersByTimeAsync(4 * LEASE_MS);
    expect(transport.sent).toEqual(['slow']);
    expect(other.sent).toEqual([]);

    transport.accept('slow');
    await settle();
    expect(transport.sent).toEqual(['slow', 'next']);
  });

  it('puts a failed send back in the outbox with the error, due after a backoff that doubles per attempt, and sends it again then', async () => {
    const retry = jest.spyOn(outbox, 'retryLater');
    outbox.committedElsewhere(events('refused'), 1);
    start();
    await settle();
    transport.refuse('refused', new Error('broker unavailable'));
    await settle();
    expect(retry.mock.calls).toEqual([[outbox.row('refused').id, 2_000, 'broker unavailable']]);
    expect(outbox.row('refused')).toMatchObject({ dispatched: false, lastError: 'broker unavailable', dueAt: Date.now() + 2_000 });

    await jest.advanceTimersByTimeAsync(2_000);
    await settle();
    expect(transport.sent).toEqual(['refused', 'refused']);
    transport.accept('refused');
    await settle();
    await jest.advanceTimersByTimeAsync(50);
    expect(outbox.row('refused')).toMatchObject({ dispatched: true, lastError: undefined });
  });

  it('waits at most a minute between attempts however many failed', async () => {
    const retry = jest.spyOn(outbox, 'retryLater');
    outbox.committedElsewhere(events('stubborn'), 30);
    start();
    await settle();
    transport.refuse('stubborn', new Error('still unavailable'));
    await settle();
    expect(retry.mock.calls[0][1]).toBe(60_000);
  });

  it('never sends a row twice at once, even when a claim returns it while in flight (its renewal failed)', async () => {
    jest.spyOn(outbox, 'renew').mockRejectedValue(new Error('connection reset'));
    start(2);
    await settle();
    outbox.commit(events('stuck'), LEASE_MS);
    await settle();

    await jest.advanceTimersByTimeAsync(LEASE_MS + POLL_MS);
    await settle();
    expect(outbox.row('stuck').attempts).toBeGreaterThan(1);
    expect(transport.sent).toEqual(['stuck']);
  });

  it('claims again at the next poll after a claim failed', async () => {
    jest.spyOn(outbox, 'claim').mockRejectedValueOnce(new Error('connection reset'));
    outbox.committedElsewhere(events('later'));
    start();
    await settle();
    expect(transport.sent).toEqual([]);

    await jest.advanceTimersByTimeAsync(POLL_MS);
    await settle();
    expect(transport.sent).toEqual(['later']);
  });

  it('on shutdown, stops polling and sending, waits for the sends in flight, records them dispatched at once and leaves no timer behind', async () => {
    const claim = jest.spyOn(outbox, 'claim');
    const dispatcher = start(1);
    await settle();
    const [inFlight] = outbox.commit(events('in-flight', 'ready'), LEASE_MS);
    await settle();
    const claims = claim.mock.calls.length;

    let stopped = false;
    const stopping = dispatcher.beforeApplicationShutdown().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);

    transport.accept('in-flight');
    await settle();
    expect(stopped).toBe(true);
    await stopping;
    expect(outbox.row('in-flight').dispatched).toBe(true);
    expect(outbox.row('ready').dispatched).toBe(false);
    expect(jest.getTimerCount()).toBe(0);

    await jest.advanceTimersByTimeAsync(4 * LEASE_MS);
    expect(transport.sent).toEqual([inFlight.event.id]);
    expect(claim.mock.calls.length).toBe(claims);
  });
});
