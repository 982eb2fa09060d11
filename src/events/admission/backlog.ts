import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { durationMs } from '../../platform/config/duration';
import { EventRouter } from '../delivery/event-router';
import { EventsConfig, eventsConfig } from '../events.config';
import { OutboxDispatcher } from '../outbox/outbox-dispatcher';

/** The outbox count is read at most this often: intake checks it on every request. */
const OUTBOX_SAMPLE_MS = 1000;

/**
 * How much accepted work waits in this process (deliveries queued per subscription, committed events waiting
 * for a dispatch slot) and in the outbox, against the ADMISSION_* limits; intake is shed past them.
 */
@Injectable()
export class Backlog {
  private readonly logger = new Logger(Backlog.name);
  private readonly shedTotal: Counter<'route'>;
  /** What a shed request is told to wait, in whole seconds. */
  readonly retryAfterSeconds: string;
  private outboxPending = 0;
  private sampledAt = Number.NEGATIVE_INFINITY;
  private sampling?: Promise<void>;

  constructor(
    private readonly router: EventRouter,
    private readonly dispatcher: OutboxDispatcher,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(eventsConfig.KEY) private readonly config: EventsConfig,
    registry: Registry,
  ) {
    this.retryAfterSeconds = String(Math.max(1, Math.ceil(durationMs(config.ADMISSION_RETRY_AFTER) / 1000)));
    new Gauge({
      name: 'events_deliveries_waiting',
      help: 'Deliveries waiting for a free slot of their subscription in this process.',
      labelNames: ['subscription'],
      registers: [registry],
      collect() {
        for (const [subscription, depth] of router.waiting()) this.set({ subscription }, depth);
      },
    });
    new Gauge({
      name: 'events_outbox_ready',
      help: 'Committed events handed to this process’s dispatcher, waiting for a dispatch slot.',
      registers: [registry],
      collect() {
        this.set(dispatcher.readyCount);
      },
    });
    this.shedTotal = new Counter({ name: 'http_requests_shed_total', help: 'Intake requests answered 503 because the backlog was over its limit, by route.', labelNames: ['route'], registers: [registry] });
  }

  /** Why intake should wait now, or undefined when it may go on. */
  excess(): string | undefined {
    this.sampleOutbox();
    const waiting = [...this.router.waiting().values()].reduce((sum, depth) => sum + depth, this.dispatcher.readyCount);
    if (waiting > this.config.ADMISSION_DELIVERIES_WAITING) return `${waiting} deliveries wait (limit ${this.config.ADMISSION_DELIVERIES_WAITING})`;
    if (this.outboxPending > this.config.ADMISSION_OUTBOX_PENDING) return `${this.outboxPending} events wait in the outbox (limit ${this.config.ADMISSION_OUTBOX_PENDING})`;
    return undefined;
  }

  shed(route: string): void {
    this.shedTotal.inc({ route });
  }

  /** In the background: a request never waits for the count, it reads the last one. */
  private sampleOutbox(): void {
    if (this.sampling || performance.now() - this.sampledAt < OUTBOX_SAMPLE_MS) return;
    this.sampledAt = performance.now();
    this.sampling = this.db
      .query<{ pending: string }[]>('SELECT count(*) AS pending FROM events.outbox WHERE dispatched_at IS NULL')
      .then(([row]) => void (this.outboxPending = Number(row.pending)))
      .catch((error: Error) => this.logger.warn(`counting the outbox backlog failed: ${error.message}`))
      .finally(() => (this.sampling = undefined));
  }
}
