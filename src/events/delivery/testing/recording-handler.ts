import { once } from 'node:events';
import { DeliveryContext } from '../delivery-context';
import { InMemoryTransactions } from './in-memory-transactions';

/**
 * A handler for unit specs: records each invocation (the event id), writes `effect/<id>` in the open transaction,
 * and can be told to throw for an event (a number of times, or always) or to wait on I/O until its transaction
 * is cut off.
 */
export class RecordingHandler {
  readonly invoked: string[] = [];
  private readonly failures = new Map<string, { error: unknown; times: number }>();
  private readonly hanging = new Set<string>();

  constructor(private readonly database: InMemoryTransactions) {}

  failFor(eventId: string, error: unknown, times = Number.POSITIVE_INFINITY): void {
    this.failures.set(eventId, { error, times });
  }

  hangFor(eventId: string): void {
    this.hanging.add(eventId);
  }

  readonly invoke = async (_data: unknown, context: DeliveryContext): Promise<void> => {
    const id = context.event.id;
    this.invoked.push(id);
    const failure = this.failures.get(id);
    if (failure && failure.times > 0) {
      failure.times--;
      throw failure.error;
    }
    if (this.hanging.has(id)) {
      const signal = this.database.terminated;
      if (!signal.aborted) await once(signal, 'abort');
      throw new Error('Connection terminated');
    }
    this.database.write(`effect/${id}`);
  };

  /** How many times each event's handler ran. */
  runs(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const id of this.invoked) counts[id] = (counts[id] ?? 0) + 1;
    return counts;
  }
}
