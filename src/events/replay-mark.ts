import { CloudEvent, CloudEventV1 } from 'cloudevents';

/** The extension a dead-letter replay adds: only the subscription it names handles the event. */
export const REPLAY_TO = 'replayto';

/** The event as a replay for one subscription carries it (over Kafka, or through the Knative Broker). */
export function markedForReplay<E extends object>(event: E, subscription: string): E {
  return { ...event, [REPLAY_TO]: subscription };
}

/** The event as it was published, and the one subscription it is replayed to (undefined: every subscriber). */
export function replayOf(event: CloudEvent<unknown>): { event: CloudEvent<unknown>; replayTo?: string } {
  // Extensions are the event's own properties: an unmarked event (nearly all) is passed on without a copy.
  if ((event as unknown as Record<string, unknown>)[REPLAY_TO] === undefined) return { event };
  const { [REPLAY_TO]: replayTo, ...original } = event.toJSON();
  return { event: new CloudEvent(original as unknown as CloudEventV1<unknown>, false), replayTo: String(replayTo) };
}
