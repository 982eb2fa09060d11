import { Injectable, Logger } from '@nestjs/common';
import { CloudEvent } from 'cloudevents';
import { AppError } from '../../kernel/errors';
import { DeliveryMetrics } from '../../platform/metrics/delivery-metrics';
import { eventTraceparent, traceId } from '../../platform/tracing/trace-context';
import { DeliveryFailures } from './delivery-failures';
import { LocalSubscription } from './subscription-registry';

export type Outcome = 'handled' | 'duplicate' | 'skipped';
export type FailureOutcome = 'failed' | 'dead_lettered';

/**
 * What each delivery attempt leaves behind: exactly one log line with its outcome, the metrics, and (only
 * when it failed) a row in `events.delivery_failures` for the timeline. The success path writes nothing
 * to the database: its inbox row, committed with the handler's effects, is the record.
 */
@Injectable()
export class DeliveryJournal {
  private readonly logger = new Logger('EventDelivery');

  constructor(
    private readonly metrics: DeliveryMetrics,
    private readonly failures: DeliveryFailures,
  ) {}

  settled(subscription: LocalSubscription, event: CloudEvent<unknown>, attempt: number, outcome: Outcome, startedAt: number): void {
    const seconds = (performance.now() - startedAt) / 1000;
    this.metrics.delivered(subscription, outcome, seconds);
    this.logger.log(line(subscription, event, attempt, outcome, seconds));
  }

  async failed(subscription: LocalSubscription, event: CloudEvent<unknown>, attempt: number, error: unknown, outcome: FailureOutcome, startedAt: number): Promise<void> {
    const seconds = (performance.now() - startedAt) / 1000;
    const errorCode = codeOf(error);
    const errorMessage = messageOf(error);
    this.metrics.failed(subscription, seconds);
    if (outcome === 'dead_lettered') this.metrics.deadLettered(subscription, errorCode);
    await this.failures.record({ subscription, event, attempt, errorCode, errorMessage, deadLettered: outcome === 'dead_lettered' });
    const entry = { ...line(subscription, event, attempt, outcome, seconds), error_code: errorCode, error: errorMessage };
    if (outcome === 'dead_lettered') this.logger.error(entry);
    else this.logger.warn(entry);
  }
}

export function codeOf(error: unknown): string {
  return error instanceof AppError ? error.code : 'HANDLER_FAILED';
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function line(subscription: LocalSubscription, event: CloudEvent<unknown>, attempt: number, outcome: Outcome | FailureOutcome, seconds: number) {
  return {
    msg: `${subscription.name} ${outcome} ${event.type}`,
    type: event.type,
    id: event.id,
    subject: event.subject,
    module: subscription.subscriber,
    subscription: subscription.name,
    attempt,
    outcome,
    duration_ms: Math.round(seconds * 1e6) / 1000,
    trace_id: traceId(eventTraceparent(event)),
  };
}
