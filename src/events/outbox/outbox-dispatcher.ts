import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { InjectDataSource } from '@nestjs/typeorm';
import { CloudEvent } from 'cloudevents';
import { DataSource } from 'typeorm';
import { checkpoint } from '../checkpoints';
import { durationMs } from '../delivery/duration';
import { EventsConfig, eventsConfig } from '../events.config';
import { EVENT_TRANSPORT, EventTransport } from '../transport/event-transport';
import { LeasedEvent, publishedIn } from './outbox-commit';

const MAX_RETRY_DELAY_MS = 60_000;
/** Marking rows dispatched waits this long to gather a batch: a late mark costs nothing, the rows stay leased. */
const MARK_DELAY_MS = 50;
const MARK_BATCH = 256;
/** The ready list holds at most this many rows per dispatch slot; the rest wait in the outbox. */
const READY_PER_SLOT = 4;
/**
 * Marking and renewing both update many rows at once, concurrently: each locks its rows in id order first,
 * or two of them locking the same rows in different orders deadlock.
 */
const LOCKED_IN_ID_ORDER = 'SELECT id FROM events.outbox WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE';

/**
 * Moves committed outbox rows to the transport. This process's own rows arrive in memory at commit, already
 * leased to it; the rest (another process's, a crashed one's, a failed send's) are claimed with FOR UPDATE
 * SKIP LOCKED and a lease, so any number of processes share the work and a crashed dispatcher's rows are taken
 * over when its lease ends.
 */
@Injectable()
export class OutboxDispatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly ready: LeasedEvent[] = [];
  private readonly dispatched: string[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private running = false;
  private claiming?: Promise<void>;
  private claimAgain = false;
  private backlog = false;
  private flush?: NodeJS.Timeout;
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
      afterTransactionCommit: ({ queryRunner }) => this.handOver(publishedIn(queryRunner).splice(0)),
      afterTransactionRollback: ({ queryRunner }) => void publishedIn(queryRunner).splice(0),
    });
    const lease = durationMs(this.config.EVENTS_OUTBOX_LEASE);
    this.every(durationMs(this.config.EVENTS_OUTBOX_POLL_INTERVAL), () => this.kick());
    this.every(Math.max(100, Math.floor(lease / 3)), () => this.renewLeases());
    this.kick();
  }

  /** Committed events handed to this dispatcher and waiting for a dispatch slot. */
  get readyCount(): number {
    return this.ready.length;
  }

  /** Rows this process committed and leased to itself: sent without being claimed, as many as the ready list holds. */
  private handOver(rows: LeasedEvent[]): void {
    if (rows.length === 0) return;
    const room = Math.max(0, READY_PER_SLOT * this.config.EVENTS_DISPATCH_CONCURRENCY - this.ready.length);
    this.ready.push(...rows.slice(0, room));
    if (rows.length > room) void this.releaseLeases(rows.slice(room));
    this.outsideRequests(() => this.sendReady());
  }

  /** The ready list is full: the rest go back to the outbox, due now, for a claim once there is room. */
  private async releaseLeases(rows: LeasedEvent[]): Promise<void> {
    this.backlog = true;
    await this.db
      .query(`UPDATE events.outbox o SET next_attempt_at = now() FROM (${LOCKED_IN_ID_ORDER}) locked WHERE o.id = locked.id AND o.dispatched_at IS NULL`, [rows.map((row) => row.id)])
      .catch((error: Error) => this.logger.error(`releasing ${rows.length} outbox rows failed: ${error.message}`));
  }

  private sendReady(): void {
    while (this.running && this.ready.length > 0 && this.inflight.size < this.config.EVENTS_DISPATCH_CONCURRENCY) this.dispatch(this.ready.shift()!);
  }

  /** Claim and dispatch whatever is due, now. Cheap to call often: concurrent calls coalesce. */
  kick(): void {
    if (!this.running) return;
    this.sendReady();
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
        const room = this.config.EVENTS_DISPATCH_CONCURRENCY - this.inflight.size - this.ready.length;
        // Under load, wait until a worthwhile batch fits: one claim per finished event would double the queries.
        if (room <= 0 || (this.inflight.size > 0 && room < this.minimumBatch)) break;
        const rows = await this.claim(room);
        rows.forEach((row) => this.dispatch(row));
        this.backlog = rows.length === room;
        if (this.backlog) this.claimAgain = true;
        if (!this.claimAgain) break;
      }
    } catch (error) {
      this.logger.error(`claiming outbox rows failed: ${(error as Error).message}`);
    } finally {
      this.claiming = undefined;
    }
  }

  private async claim(limit: number): Promise<LeasedEvent[]> {
    const [rows] = (await this.db.query(
      `UPDATE events.outbox SET attempts = attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
       WHERE id IN (SELECT id FROM events.outbox WHERE dispatched_at IS NULL AND next_attempt_at <= now()
                    ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, attempts, event`,
      [limit, durationMs(this.config.EVENTS_OUTBOX_LEASE)],
    )) as [LeasedEvent[], number];
    // A row can come back while still in flight here when renewing its lease failed: never send it twice at once.
    return rows.filter((row) => !this.inflight.has(row.id)).sort((a, b) => Number(a.id) - Number(b.id));
  }

  private dispatch(row: LeasedEvent): void {
    const delivery = this.transport
      .publish(new CloudEvent(row.event, false))
      .then(
        () => this.markDispatched(row.id),
        (error: Error) => this.retryLater(row, error),
      )
      .finally(() => {
        this.inflight.delete(row.id);
        // Claim again only while the outbox has a backlog: claiming after every send would cost a query per event.
        if (this.backlog) this.kick();
        else this.sendReady();
      });
    this.inflight.set(row.id, delivery);
  }

  private markDispatched(id: string): void {
    checkpoint('outboxPublished');
    this.dispatched.push(id);
    if (this.dispatched.length >= MARK_BATCH) void this.flushDispatched();
    else this.flush ??= setTimeout(() => void this.flushDispatched(), MARK_DELAY_MS);
  }

  /** One UPDATE for every row that finished since the last flush. A lost flush only means a harmless redelivery. */
  private async flushDispatched(): Promise<void> {
    clearTimeout(this.flush);
    this.flush = undefined;
    const ids = this.dispatched.splice(0);
    if (ids.length === 0) return;
    await this.db
      .query(`UPDATE events.outbox o SET dispatched_at = now(), last_error = NULL FROM (${LOCKED_IN_ID_ORDER}) locked WHERE o.id = locked.id`, [ids])
      .catch((error: Error) => this.logger.error(`marking ${ids.length} outbox rows dispatched failed: ${error.message}`));
  }

  private async retryLater(row: LeasedEvent, error: Error): Promise<void> {
    const delay = Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** Math.min(row.attempts, 16));
    this.logger.warn(`outbox event ${row.event.id} not dispatched (attempt ${row.attempts}), retrying in ${delay} ms: ${error.message}`);
    await this.db
      .query(`UPDATE events.outbox SET next_attempt_at = now() + $2 * interval '1 millisecond', last_error = $3 WHERE id = $1`, [row.id, delay, error.message])
      .catch((failure: Error) => this.logger.error(`recording a dispatch failure failed: ${failure.message}`));
  }

  private async renewLeases(): Promise<void> {
    const ids = [...this.inflight.keys(), ...this.ready.map((row) => row.id)];
    if (ids.length === 0) return;
    await this.db
      .query(
        `UPDATE events.outbox o SET next_attempt_at = now() + $2 * interval '1 millisecond' FROM (${LOCKED_IN_ID_ORDER}) locked WHERE o.id = locked.id AND o.dispatched_at IS NULL`,
        [ids, durationMs(this.config.EVENTS_OUTBOX_LEASE)],
      )
      .catch((error: Error) => this.logger.error(`renewing outbox leases failed: ${error.message}`));
  }

  private every(ms: number, work: () => unknown): void {
    const timer = setInterval(work, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
