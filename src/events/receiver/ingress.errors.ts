import { AppError, UnauthenticatedError } from '../../kernel/errors';

/** An internal event type (one only its publishing module emits) arrived at POST / from someone other than the Broker. */
export class EventTypeInternalError extends AppError {
  readonly code = 'EVENT_TYPE_INTERNAL';
  readonly kind = 'forbidden' as const;
}

/** An external producer sent an event whose `source` names one of our modules. */
export class EventSourceReservedError extends AppError {
  readonly code = 'EVENT_SOURCE_RESERVED';
  readonly kind = 'forbidden' as const;
}

/** POST / takes no external event while EVENTS_INGRESS_TOKEN is unset (or, on Knative, from anyone but the Broker). */
export class IngressClosedError extends AppError {
  readonly code = 'EVENTS_INGRESS_CLOSED';
  readonly kind = 'forbidden' as const;
}

/** No valid ingress token (or Broker token) came with the request. */
export class EventSenderUnauthenticatedError extends UnauthenticatedError {
  readonly code = 'EVENT_SENDER_UNAUTHENTICATED';
}

/** A valid Broker token, but of a subject EVENTS_BROKER_SUBJECTS does not admit: a workload minting tokens for our audience. */
export class EventSenderForbiddenError extends AppError {
  readonly code = 'EVENT_SENDER_FORBIDDEN';
  readonly kind = 'forbidden' as const;
}

/** The Broker's keys could not be fetched: the sender retries. */
export class SenderKeysUnavailableError extends AppError {
  readonly code = 'EVENT_SENDER_KEYS_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
}
