import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';

/** What the metrics read from a subscription: bounded names only, never event or order ids. */
export interface MeasuredSubscription {
  readonly name: string;
  readonly subscriber: string;
  readonly contract: { readonly name: string };
}

export type DeliveryOutcome = 'handled' | 'duplicate' | 'skipped';

const LABELS = ['module', 'subscription', 'type'] as const;

/** Event delivery counters and handler latency, fed by the EventRouter. */
@Injectable()
export class DeliveryMetrics {
  private readonly deliveredTotal: Counter<'module' | 'subscription' | 'type' | 'outcome'>;
  private readonly retriedTotal: Counter<'module' | 'subscription' | 'type'>;
  private readonly deadLetteredTotal: Counter<'module' | 'subscription' | 'type' | 'code'>;
  private readonly handlerDuration: Histogram<'module' | 'subscription' | 'type'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.deliveredTotal = new Counter({ name: 'events_delivered_total', help: 'Event deliveries settled by a subscription, by outcome.', labelNames: [...LABELS, 'outcome'], registers });
    this.retriedTotal = new Counter({ name: 'events_retried_total', help: 'Failed delivery attempts that are retried after a backoff.', labelNames: LABELS, registers });
    this.deadLetteredTotal = new Counter({ name: 'events_dead_lettered_total', help: 'Events stored as dead letters, by error code.', labelNames: [...LABELS, 'code'], registers });
    this.handlerDuration = new Histogram({
      name: 'event_handler_duration_seconds',
      help: 'Duration of one delivery attempt (inbox record, handler and its transaction), failed attempts included.',
      labelNames: LABELS,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
  }

  /** An attempt that settled the delivery. */
  delivered(subscription: MeasuredSubscription, outcome: DeliveryOutcome, seconds: number): void {
    this.deliveredTotal.inc({ ...labels(subscription), outcome });
    this.handlerDuration.observe(labels(subscription), seconds);
  }

  /** An attempt that threw (it is then retried or given up). */
  failed(subscription: MeasuredSubscription, seconds: number): void {
    this.handlerDuration.observe(labels(subscription), seconds);
  }

  retried(subscription: MeasuredSubscription): void {
    this.retriedTotal.inc(labels(subscription));
  }

  deadLettered(subscription: MeasuredSubscription, code: string): void {
    this.deadLetteredTotal.inc({ ...labels(subscription), code });
  }
}

function labels(subscription: MeasuredSubscription): Record<(typeof LABELS)[number], string> {
  return { module: subscription.subscriber, subscription: subscription.name, type: subscription.contract.name };
}
