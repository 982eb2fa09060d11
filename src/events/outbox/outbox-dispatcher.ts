import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { InjectDataSource } from '@nestjs/typeorm';
import { CloudEvent, CloudEventV1 } from 'cloudevents';
import { DataSource } from 'typeorm';
import { durationMs } from '../delivery/duration';
import { EventsConfig, eventsConfig } from '../events.config';
import { EVENT_TRANSPORT, EventTransport } from '../transport/event-transport';
import { PUBLISHED_EVENTS } from './outbox';

interface ClaimedRow {
  id: string;
  attempts: number;
  event: CloudEventV1<unknown>;
}

const MAX_RETRY_DELAY_MS = 60_000;

/**
 * Moves committed outbox rows to the transport. Rows are claimed with FOR UPDATE SKIP LOCKED and a lease,
 * so any number of processes share the work and a crashed dispatcher's rows are taken over when the lease
 * ends. It wakes on every commit that published events, and polls for what other processes left behind.
 */
@Injectable()
export class OutboxDispatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly dispatched: string[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private running = false;
  private claiming?: Promise<void>;
  private claimAgain = false;
  private flushScheduled = false;
  private readonly minimumBatch: number;
  /**
   * The async context of start-up, outside any request: a commit wakes the dispatcher from inside the
   * request (or delivery) that committed, and deliveries must not inherit its async-local state (its
   * request id would tag every log line of the chain).
   */
  private readonly outsideRequests = AsyncLocalStorage.snapshot();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(EVENT_TRANSPORT) private readonly transport: EventTransport,
    @Inject(eventsConfig.KEY) private readonly config: EventsConfig,
  ) {
    this.minimumBatch = Math.max(1, Math.floor(config.EVENTS_DISPATCH_CONCURRENCY / 8));
  }

  start(): void {
    if (!this.config.EVENTS_OUTBOX_DISPATCH || this.running) return;
    this.running = true;
    this.db.subscribers.push({
      afterTransactionCommit: ({ queryRunner }) => {
        if (queryRunner.data?.[PUBLISHED_EVENTS]) {
          queryRunner.data[PUBLISHED_EVENTS] = false;
          this.kick();
        }
      },
    });
    const lease = durationMs(this.config.EVENTS_OUTBOX_LEASE);
    this.every(durationMs(this.config.EVENTS_OUTBOX_POLL_INTERVAL), () => this.kick());
    this.every(Math.max(100, Math.floor(lease / 3)), () => this.renewLeases());
    this.kick();
  }

  /** Claim and dispatch whatever is due, now. Cheap to call often: concurrent calls coalesce. */
  kick(): void {
    if (!this.running) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.outsideRequests(() => this.claimWhileDue()));
  }

  /** Before the database closes (TypeORM closes it in onApplicationShutdown): finish what is in flight, record it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.timers.forEach(clearInterval);
    await this.claiming;
    await Promise.allSettled(this.inflight.values());
    await this.flushDispatched();
  }

  private async claimWhileDue(): Promise<void> {
    try {
      while (this.running) {
        this.claimAgain = false;
        const room = this.config.EVENTS_DISPATCH_CONCURRENCY - this.inflight.size;
        // Under load, wait until a worthwhile batch fits: one claim per finished event would double the queries.
        if (room <= 0 || (this.inflight.size > 0 && room < this.minimumBatch)) break;
        const rows = await this.claim(room);
        rows.forEach((row) => this.dispatch(row));
        if (rows.length === room) this.claimAgain = true;
        if (!this.claimAgain) break;
      }
    } catch (error) {
      this.logger.error(`claiming outbox rows failed: ${(error as Error).message}`);
    } finally {
      this.claiming = undefined;
    }
  }

  private async claim(limit: number): Promise<ClaimedRow[]> {
    const [rows] = (await this.db.query(
      `UPDATE events.outbox SET attempts = attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
       WHERE id IN (SELECT id FROM events.outbox WHERE dispatched_at IS NULL AND next_attempt_at <= now()
                    ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, attempts, event`,
      [limit, durationMs(this.config.EVENTS_OUTBOX_LEASE)],
    )) as [ClaimedRow[], number];
    return rows.filter((row) => !this.inflight.has(row.id)).sort((a, b) => Number(a.id) - Number(b.id));
  }

  private dispatch(row: ClaimedRow): void {
    const delivery = this.transport
      .publish(new CloudEvent(row.event, false))
      .then(
        () => this.markDispatched(row.id),
        (error: Error) => this.retryLater(row, error),
      )
      .finally(() => {
        this.inflight.delete(row.id);
        this.kick();
      });
    this.inflight.set(row.id, delivery);
  }

  private markDispatched(id: string): void {
    this.dispatched.push(id);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => void this.flushDispatched());
  }

  /** One UPDATE for every row that finished since the last flush. A lost flush only means a harmless redelivery. */
  private async flushDispatched(): Promise<void> {
    this.flushScheduled = false;
    const ids = this.dispatched.splice(0);
    if (ids.length === 0) return;
    await this.db
      .query('UPDATE events.outbox SET dispatched_at = now(), last_error = NULL WHERE id = ANY($1::bigint[])', [ids])
      .catch((error: Error) => this.logger.error(`marking ${ids.length} outbox rows dispatched failed: ${error.message}`));
  }

  private async retryLater(row: ClaimedRow, error: Error): Promise<void> {
    const delay = Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** Math.min(row.attempts, 16));
    this.logger.warn(`outbox event ${row.event.id} not dispatched (attempt ${row.attempts}), retrying in ${delay} ms: ${error.message}`);
    await this.db
      .query(`UPDATE events.outbox SET next_attempt_at = now() + $2 * interval '1 millisecond', last_error = $3 WHERE id = $1`, [row.id, delay, error.message])
      .catch((failure: Error) => this.logger.error(`recording a dispatch failure failed: ${failure.message}`));
  }

  private async renewLeases(): Promise<void> {
    const ids = [...this.inflight.keys()];
    if (ids.length === 0) return;
    await this.db
      .query(`UPDATE events.outbox SET next_attempt_at = now() + $2 * interval '1 millisecond' WHERE id = ANY($1::bigint[]) AND dispatched_at IS NULL`, [ids, durationMs(this.config.EVENTS_OUTBOX_LEASE)])
      .catch((error: Error) => this.logger.error(`renewing outbox leases failed: ${error.message}`));
  }

  private every(ms: number, work: () => unknown): void {
    const timer = setInterval(work, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
