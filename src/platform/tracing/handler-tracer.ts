import { CloudEvent } from 'cloudevents';
import { childTraceparent, eventTraceparent } from './trace-context';

/** What a span needs to know about the subscription it traces. */
export interface TracedSubscription {
  readonly name: string;
  readonly subscriber: string;
}

/**
 * Runs one handler attempt as a span of the event's trace. `work` gets the attempt's own `traceparent`:
 * the events it publishes carry it, so the next handlers' spans are children of this one.
 */
export interface HandlerTracer {
  run<T>(subscription: TracedSubscription, event: CloudEvent<unknown>, attempt: number, work: (traceparent: string) => Promise<T>): Promise<T>;
  shutdown(): Promise<void>;
}

export const HANDLER_TRACER = Symbol('HANDLER_TRACER');

/** No exporter configured: the attempt still gets a span id of its own in the trace, and nothing else happens. */
export class UntracedHandlers implements HandlerTracer {
  run<T>(_subscription: TracedSubscription, event: CloudEvent<unknown>, _attempt: number, work: (traceparent: string) => Promise<T>): Promise<T> {
    return work(childTraceparent(eventTraceparent(event)));
  }

  async shutdown(): Promise<void> {}
}
