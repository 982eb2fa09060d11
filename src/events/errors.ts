import { AppError } from '../kernel/errors';

/** The event is not a valid CloudEvent or its data breaks its schema: retrying cannot help. */
export class MalformedEventError extends AppError {
  readonly code = 'EVENT_MALFORMED';
  readonly kind = 'invalid' as const;
}

/** No subscription in this process accepts the event's type. */
export class UnknownEventTypeError extends AppError {
  readonly code = 'EVENT_TYPE_UNKNOWN';
  readonly kind = 'invalid' as const;
}

/** A handler did not finish within its subscription's delivery timeout. */
export class DeliveryTimeoutError extends AppError {
  readonly code = 'EVENT_DELIVERY_TIMEOUT';
  readonly kind = 'unavailable' as const;
}

/** A subscription's waiting list is full: the delivery is refused, to be retried later, instead of queued. */
export class DeliveryBacklogFullError extends AppError {
  readonly code = 'EVENT_DELIVERY_BACKLOG_FULL';
  readonly kind = 'unavailable' as const;
}

/** Intake is shed: the events already accepted wait longer than the configured backlog allows. */
export class BackloggedError extends AppError {
  readonly code = 'SERVICE_BACKLOGGED';
  readonly kind = 'unavailable' as const;
}

/** A replay names a subscription this process does not serve. */
export class SubscriptionNotHereError extends AppError {
  readonly code = 'SUBSCRIPTION_NOT_HERE';
  readonly kind = 'conflict' as const;
}

/** The sink (K_SINK, the Knative Broker) did not take an event: the outbox retries it. */
export class SinkRejectedError extends AppError {
  readonly code = 'EVENT_SINK_REJECTED';
  readonly kind = 'unavailable' as const;
}

/** There is no sink yet (no K_SINK before Knative's SinkBinding): the event waits in the outbox. */
export class SinkPendingError extends AppError {
  readonly code = 'EVENT_SINK_PENDING';
  readonly kind = 'unavailable' as const;
}

/** A Kafka record that is not a readable CloudEvent (no ce_ headers, bad JSON, missing attributes, a type not in the catalog). */
export class UnreadableRecordError extends AppError {
  readonly code = 'EVENT_RECORD_UNREADABLE';
  readonly kind = 'invalid' as const;
}

/** A dead letter of a record no subscription could read: there is no subscription to hand it to again. */
export class NotReplayableError extends AppError {
  readonly code = 'DEAD_LETTER_NOT_REPLAYABLE';
  readonly kind = 'conflict' as const;
}

/** A `@Subscribe` declaration names its subscription in a way no Trigger or inbox key could carry: raised as the handler class loads. */
export class SubscriptionNameError extends AppError {
  readonly code = 'SUBSCRIPTION_NAME_INVALID';
  readonly kind = 'invalid' as const;
}
