import { CloudEventV1 } from 'cloudevents';
import { QueryRunner } from 'typeorm';

/** An outbox row leased to this process: what the dispatcher sends. */
export interface LeasedEvent {
  id: string;
  attempts: number;
  event: CloudEventV1<unknown>;
}

/**
 * The `events.outbox` table as the outbox uses it (ADR 1). A row is leased while its due time
 * (`next_attempt_at`) lies ahead: only the dispatcher holding it sends it; once it passes, any dispatcher may
 * claim the row. A row marked dispatched is never claimed again. The port lets the dispatcher and the commit
 * hook be checked without a database; `PostgresOutboxRows` is the one implementation.
 */
export interface OutboxRows {
  /**
   * Inserts the events, in order, in the transaction `queryRunner` runs, each with `attempts` and leased for
   * `leaseMs` (0: due now). Returns the new rows' ids and event ids.
   */
  write(queryRunner: QueryRunner, events: CloudEventV1<unknown>[], attempts: number, leaseMs: number): Promise<{ id: string; event_id: string }[]>;
  /** Leases up to `limit` due rows for `leaseMs`, counting one more attempt on each. */
  claim(limit: number, leaseMs: number): Promise<LeasedEvent[]>;
  /** Extends the leases of those of these rows not dispatched yet to `leaseMs` from now. */
  renew(ids: string[], leaseMs: number): Promise<void>;
  /** Ends the leases of those of these rows not dispatched yet: due now, for any dispatcher. */
  release(ids: string[]): Promise<void>;
  /** Records the rows dispatched, clearing their last error. */
  markDispatched(ids: string[]): Promise<void>;
  /** A send failed: the row is due again in `delayMs`, with the error recorded. */
  retryLater(id: string, delayMs: number, error: string): Promise<void>;
  /** Calls `handOver` with the rows each of this process's transactions wrote leased to itself, once it committed. */
  onCommit(handOver: (rows: LeasedEvent[]) => void): void;
}

export const OUTBOX_ROWS = Symbol('OUTBOX_ROWS');
