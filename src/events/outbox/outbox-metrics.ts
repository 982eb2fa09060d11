import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { EVENT_TRANSPORT, EventTransport } from '../transport/event-transport';

interface OutboxSnapshot {
  pending: number;
  oldestAgeSeconds: number;
}

/** The outbox backlog, read from the database at scrape time with one query for both gauges. */
@Injectable()
export class OutboxMetrics {
  private readonly logger = new Logger(OutboxMetrics.name);
  private inFlight?: Promise<OutboxSnapshot>;

  constructor(
    registry: Registry,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(EVENT_TRANSPORT) transport: EventTransport,
  ) {
    const snapshot = () => this.snapshot();
    new Gauge({
      name: 'events_sink_pending',
      help: '1 while this process has no sink to publish to (no K_SINK yet): what it publishes waits in the outbox.',
      registers: [registry],
      collect() {
        this.set(transport.sinkPending ? 1 : 0);
      },
    });
    new Gauge({
      name: 'events_outbox_pending',
      help: 'Events committed to the outbox and not yet dispatched.',
      registers: [registry],
      async collect() {
        this.set((await snapshot()).pending);
      },
    });
    new Gauge({
      name: 'events_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest undispatched outbox event (0 when none is pending).',
      registers: [registry],
      async collect() {
        this.set((await snapshot()).oldestAgeSeconds);
      },
    });
  }

  /** Both gauges collect in the same scrape: they share one query. */
  private snapshot(): Promise<OutboxSnapshot> {
    this.inFlight ??= this.query().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async query(): Promise<OutboxSnapshot> {
    try {
      const [row] = await this.dataSource.query<Array<{ pending: string; oldest: string | null }>>(
        'SELECT count(*) AS pending, extract(epoch from now() - min(created_at)) AS oldest FROM events.outbox WHERE dispatched_at IS NULL',
      );
      return { pending: Number(row.pending), oldestAgeSeconds: row.oldest === null ? 0 : Math.max(0, Number(row.oldest)) };
    } catch (error) {
      // Unknown, not zero: the process metrics are still worth scraping.
      this.logger.warn(`outbox metrics unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return { pending: Number.NaN, oldestAgeSeconds: Number.NaN };
    }
  }
}
