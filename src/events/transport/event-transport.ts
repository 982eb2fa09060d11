import { CloudEvent } from 'cloudevents';

/**
 * Where the outbox dispatcher hands committed events. `publish` resolves once the event is safe elsewhere
 * (in-process: every local subscription settled; Kafka: the broker acknowledged; HTTP: the sink answered 2xx);
 * only then is the outbox row marked dispatched.
 */
export interface EventTransport {
  publish(event: CloudEvent<unknown>): Promise<void>;
}

export const EVENT_TRANSPORT = Symbol('EVENT_TRANSPORT');
