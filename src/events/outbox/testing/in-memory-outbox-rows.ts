import { CloudEventV1 } from 'cloudevents';
import { LeasedEvent, OutboxRows } from '../outbox-rows';

/** One row as the outbox table holds it; `dueAt` is the lease's end (or the retry's time), on the fake clock (`Date.now()`). */
export interface StoredRow {
  id: string;
  event: CloudEventV1<unknown>;
  attempts: number;
  dueAt: number;
  dispatched: boolean;
  lastError?: string;
}

/**
 * The outbox table in memory, written from the `OutboxRows` contract for unit specs, as one process sees it. Time is
 * `Date.now()`, so jest's fake timers move leases on. `anotherProcess()` shares the table with a second dispatcher:
 * each call takes effect at once, as a statement holding its row locks would, so two claims never return the same
 * row. `commit` plays the part of this process's commit hook.
 */
export class InMemoryOutboxRows implements OutboxRows {
  private readonly committed: ((rows: LeasedEvent[]) => void)[] = [];

  constructor(private readonly table: { rows: StoredRow[]; lastId: number } = { rows: [], lastId: 0 }) {}

  get rows(): StoredRow[] {
    return this.table.rows;
  }

  /** The same table, as another process's dispatcher sees it: its own commits, nobody else's. */
  anotherProcess(): InMemoryOutboxRows {
    return new InMemoryOutboxRows(this.table);
  }

  async write(_queryRunner: unknown, events: CloudEventV1<unknown>[], attempts: number, leaseMs: number): Promise<{ id: string; event_id: string }[]> {
    return this.insert(events, attempts, leaseMs).map((row) => ({ id: row.id, event_id: row.event.id }));
  }

  async claim(limit: number, leaseMs: number): Promise<LeasedEvent[]> {
    const due = this.rows.filter((row) => !row.dispatched && row.dueAt <= Date.now()).slice(0, limit);
    for (const row of due) {
      row.attempts += 1;
      row.dueAt = Date.now() + leaseMs;
    }
    return due.map(leased);
  }

  async renew(ids: string[], leaseMs: number): Promise<void> {
    this.undispatched(ids).forEach((row) => (row.dueAt = Date.now() + leaseMs));
  }

  async release(ids: string[]): Promise<void> {
    this.undispatched(ids).forEach((row) => (row.dueAt = Date.now()));
  }

  async markDispatched(ids: string[]): Promise<void> {
    for (const row of this.rows.filter((candidate) => ids.includes(candidate.id))) {
      row.dispatched = true;
      row.lastError = undefined;
    }
  }

  async retryLater(id: string, delayMs: number, error: string): Promise<void> {
    const row = this.rows.find((candidate) => candidate.id === id);
    if (!row) return;
    row.dueAt = Date.now() + delayMs;
    row.lastError = error;
  }

  onCommit(handOver: (rows: LeasedEvent[]) => void): void {
    this.committed.push(handOver);
  }

  /** A transaction of this process commits these events, written leased to itself, and the commit hook hands them over. */
  commit(events: CloudEventV1<unknown>[], leaseMs: number): LeasedEvent[] {
    const rows = this.insert(events, 1, leaseMs).map(leased);
    this.committed.forEach((handOver) => handOver(rows));
    return rows;
  }

  /** Rows another process (or a crashed one) committed: nobody hands them over, a dispatcher must claim them. */
  committedElsewhere(events: CloudEventV1<unknown>[], attempts = 0, leaseMs = 0): StoredRow[] {
    return this.insert(events, attempts, leaseMs);
  }

  row(eventId: string): StoredRow {
    const row = this.rows.find((candidate) => candidate.event.id === eventId);
    if (!row) throw new Error(`no outbox row holds event ${eventId}`);
    return row;
  }

  private insert(events: CloudEventV1<unknown>[], attempts: number, leaseMs: number): StoredRow[] {
    const rows = events.map((event) => ({ id: String(++this.table.lastId), event, attempts, dueAt: Date.now() + leaseMs, dispatched: false }));
    this.rows.push(...rows);
    return rows;
  }

  private undispatched(ids: string[]): StoredRow[] {
    return this.rows.filter((row) => ids.includes(row.id) && !row.dispatched);
  }
}

function leased(row: StoredRow): LeasedEvent {
  return { id: row.id, attempts: row.attempts, event: row.event };
}
