import { CloudEvent } from 'cloudevents';
import { DeadLetterSink } from '../delivery/dead-letter-sink';

/**
 * Where the outbox dispatcher hands committed events. `publish` resolves once the event is safe elsewhere
 * (in-process: every local subscription settled; Kafka: the broker acknowledged; HTTP: the sink answered 2xx);
 * only then is the outbox row marked dispatched. The optional members are for transports that connect
 * processes: they receive events from elsewhere, and carry dead letters and replays between processes.
 */
export interface EventTransport {
  publish(event: CloudEvent<unknown>): Promise<void>;
  /** Starts receiving for this process's subscriptions (called once they are registered). */
  listen?(): Promise<void>;
  /** Stops receiving: finishes what is in flight, records how far it got, disconnects. */
  close?(): Promise<void>;
  /** Where dead letters go when the deadletter module runs in another process. */
  readonly remoteDeadLetters?: DeadLetterSink;
  /** Hands an event again to one subscription that runs in another process (dead-letter replay). */
  replay?(subscription: string, event: CloudEvent<unknown>): Promise<void>;
  /** True while this process has nowhere to publish yet (Knative, before the SinkBinding): the outbox holds its events. */
  readonly sinkPending?: boolean;
  /** For /readyz: whether the transport can move events now, and why not. */
  health?(): { up: boolean; reason?: string };
}

export const EVENT_TRANSPORT = Symbol('EVENT_TRANSPORT');
