import { CloudEvent } from 'cloudevents';
import { Inbox } from '../../inbox/inbox';
import { InMemoryTransactions } from './in-memory-transactions';

/**
 * The inbox on the fake database: an event is fresh for a subscription unless a committed transaction, or the
 * open one (an earlier delivery of the same list), recorded it. `failNextRecord` makes the next call throw, as
 * a statement that fails outside any handler would.
 */
export class InMemoryInbox implements Pick<Inbox, 'record'> {
  private failure?: unknown;

  constructor(private readonly database: InMemoryTransactions) {}

  failNextRecord(failure: unknown): void {
    this.failure = failure;
  }

  async record(subscription: string, deliveries: readonly { event: CloudEvent<unknown> }[]): Promise<boolean[]> {
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
    return deliveries.map(({ event }) => {
      const key = inboxKey(subscription, event.id);
      if (this.database.sees(key)) return false;
      this.database.write(key);
      return true;
    });
  }
}

export function inboxKey(subscription: string, eventId: string): string {
  return `inbox/${subscription}/${eventId}`;
}
