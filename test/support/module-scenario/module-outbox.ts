import { EventContract, qualifiedType } from '../../../src/events';
import { eventually } from '../eventually';
import type { TestDatabase } from '../test-database';

/** An event the module published, as its outbox holds it. */
export interface PublishedEvent {
  /** Its row in events.outbox: later rows were published later. */
  position: number;
  id: string;
  type: string;
  subject: string | null;
  data: unknown;
}

/**
 * The module's outbox, read from outside: publishing writes an event there in the transaction of the state
 * change that caused it, so a committed row is a published event. The bus marks a row dispatched once every
 * subscription of the process settled it, which for an event delivered to the module means handled.
 */
export class ModuleOutbox {
  constructor(
    private readonly db: TestDatabase,
    private readonly typePrefix: string,
    private readonly timeoutMs: number,
  ) {}

  /** Waits until the module's subscriptions settled the event; resolves with its position. */
  handled(eventId: string): Promise<number> {
    return eventually(
      async () => {
        const [row] = await this.db.query<{ id: string; dispatched: boolean; last_error: string | null }>('SELECT id, dispatched_at IS NOT NULL AS dispatched, last_error FROM events.outbox WHERE event_id = $1', [
          eventId,
        ]);
        if (row?.dispatched) return Number(row.id);
        const dispatchError = row?.last_error ? `; dispatching it failed: ${row.last_error}` : '';
        throw new Error(`the module has not settled event ${eventId}${dispatchError}${await this.failuresOf(eventId)}`);
      },
      { timeoutMs: this.timeoutMs },
    );
  }

  /** The position of the latest event in the outbox (0 when empty): what is published from now on comes after it. */
  async latest(): Promise<number> {
    const [row] = await this.db.query<{ id: string }>('SELECT coalesce(max(id), 0) AS id FROM events.outbox');
    return Number(row.id);
  }

  /** What the module published after `position`, oldest first; only events of `contract` when given. */
  async publishedAfter(position: number, contract?: EventContract): Promise<PublishedEvent[]> {
    const rows = await this.db.query<{ id: string; event_id: string; type: string; subject: string | null; event: { data: unknown } }>(
      'SELECT id, event_id, type, subject, event FROM events.outbox WHERE id > $1 AND ($2::text IS NULL OR type = $2) ORDER BY id',
      [position, contract ? this.typeOf(contract) : null],
    );
    return rows.map((row) => ({ position: Number(row.id), id: row.event_id, type: row.type, subject: row.subject, data: row.event.data }));
  }

  typeOf(contract: EventContract): string {
    return qualifiedType(contract.name, this.typePrefix);
  }

  /** The failed attempts the bus recorded for the event, to say why it was not handled. */
  private async failuresOf(eventId: string): Promise<string> {
    const failures = await this.db.query<{ subscription: string; attempt: number; error_message: string }>('SELECT subscription, attempt, error_message FROM events.delivery_failures WHERE event_id = $1 ORDER BY id', [
      eventId,
    ]);
    return failures.map((failure) => `; ${failure.subscription} attempt ${failure.attempt} failed: ${failure.error_message}`).join('');
  }
}
