import { Injectable } from '@nestjs/common';
import { EventLog, RecordedEvent, RecordedFailure, RecordedHandling } from '../../../events';

/** A subscription that handled the event, at which attempt. */
export interface HandlingStep {
  module: string;
  subscription: string;
  attempt: number;
  outcome: 'handled';
  time: string;
}

/** An event about the order, with the subscriptions that handled it and the trace it belongs to. */
export interface LoggedEvent extends RecordedEvent {
  handledBy: HandlingStep[];
}

/** A failed delivery attempt of one of those events: retried later (`failed`) or given up (`dead_lettered`). */
export interface LoggedFailure extends Omit<RecordedFailure, 'deadLettered'> {
  outcome: 'failed' | 'dead_lettered';
}

export type TimelineEntry = LoggedEvent | LoggedFailure;

/**
 * Everything that happened about one order, in order: each event with the subscriptions that handled it, and
 * every failed attempt (retries and dead letters). Read from the bus's event log, not copied (ADR 3).
 */
@Injectable()
export class OrderTimeline {
  constructor(private readonly log: EventLog) {}

  async of(orderId: string): Promise<TimelineEntry[]> {
    const [events, handlings, failures] = await Promise.all([this.log.events(orderId), this.log.handlings(orderId), this.log.failures(orderId)]);
    return timeline(events, handlings, failures);
  }
}

/** The entries by time; an event sorts before the failures recorded in the same millisecond (the sort is stable). */
export function timeline(events: RecordedEvent[], handlings: RecordedHandling[], failures: RecordedFailure[]): TimelineEntry[] {
  const logged: LoggedEvent[] = events.map((event) => ({
    ...event,
    handledBy: handlings.filter((step) => step.source === event.source && step.id === event.id).map(handlingStep),
  }));
  const failed: LoggedFailure[] = failures.map(({ deadLettered, ...failure }) => ({ ...failure, outcome: deadLettered ? 'dead_lettered' : 'failed' }));
  return [...logged, ...failed].sort((a, b) => a.time.localeCompare(b.time));
}

/** Subscription names are `<module>-<handler>` (see `@Subscribe`), and module names hold no dash. */
function handlingStep({ subscription, attempt, time }: RecordedHandling): HandlingStep {
  return { module: subscription.split('-')[0], subscription, attempt, outcome: 'handled', time };
}
