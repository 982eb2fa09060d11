import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { CloudEvent } from 'cloudevents';
import { checkpoint } from '../checkpoints';
import { durationMs } from '../../platform/config/duration';
import { EventsConfig, eventsConfig } from '../events.config';
import { EVENT_TRANSPORT, EventTransport } from '../transport/event-transport';
import { LeasedEvent, OUTBOX_ROWS, OutboxRows } from './outbox-rows';

const MAX_RETRY_DELAY_MS = 60_000;
/** Marking rows dispatched waits this long to gather a batch: a late mark costs nothing, the rows stay leased. */
const MARK_DELAY_MS = 50;
const MARK_BATCH = 256;
/** The ready list holds at most this many rows per dispatch slot; the rest wait in the outbox. */
const READY_PER_SLOT = 4;

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
    @Inject(OUTBOX_ROWS) private readonly outbox: OutboxRows,
    @Inject(EVENT_TRANSPORT) private readonly transport: EventTransport,
    @Inject(eventsConfig.KEY) private readonly config: EventsConfig,
  ) {
    this.minimumBatch = Math.max(1, Math.floor(config.EVENTS_DISPATCH_CONCURRENCY / 8));
  }

  start(): void {
    if (!this.config.EVENTS_OUTBOX_DISPATCH || this.running) return;
    this.running = true;
    this.outbox.onCommit((rows) => this.handOver(rows));
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
    await this.outbox.release(rows.map((row) => row.id)).catch((error: Error) => this.logger.error(`releasing ${rows.length} outbox rows failed: ${error.message}`));
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
    const rows = await this.outbox.claim(limit, durationMs(this.config.EVENTS_OUTBOX_LEASE));
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
    await this.outbox.markDispatched(ids).catch((error: Error) => this.logger.error(`marking ${ids.length} outbox rows dispatched failed: ${error.message}`));
  }

  private async retryLater(row: LeasedEvent, error: Error): Promise<void> {
    const delay = Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** Math.min(row.attempts, 16));
    this.logger.warn(`outbox event ${row.event.id} not dispatched (attempt ${row.attempts}), retrying in ${delay} ms: ${error.message}`);
    await this.outbox.retryLater(row.id, delay, error.message).catch((failure: Error) => this.logger.error(`recording a dispatch failure failed: ${failure.message}`));
  }

  private async renewLeases(): Promise<void> {
    const ids = [...this.inflight.keys(), ...this.ready.map((row) => row.id)];
    if (ids.length === 0) return;
    await this.outbox.renew(ids, durationMs(this.config.EVENTS_OUTBOX_LEASE)).catch((error: Error) => this.logger.error(`renewing outbox leases failed: ${error.message}`));
  }

  private every(ms: number, work: () => unknown): void {
    const timer = setInterval(work, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
