import { CloudEventV1 } from 'cloudevents';
import { MalformedEventError } from '../errors';
import { DeadLetter } from './dead-letter-sink';

/**
 * A dead letter on the wire, in Knative's shape: the original event plus the `knativeerror*` extensions a
 * Knative dead-letter sink receives. Our own transports add the failed subscription and the attempt count,
 * which Knative leaves out; for Knative the subscription comes from the Trigger's dead-letter URI instead.
 */
export interface DeadLetteredEvent extends CloudEventV1<unknown> {
  knativeerrordest?: string;
  knativeerrorcode?: string;
  knativeerrordata?: string;
  failedsubscription?: string;
  deliveryattempts?: number;
}

const ERROR_DATA_LIMIT = 1024;

/** The event a process without a local dead-letter sink sends to the deadletter module. */
export function deadLetteredEvent(letter: DeadLetter, destination: string): DeadLetteredEvent {
  return {
    ...letter.event,
    knativeerrordest: destination,
    knativeerrorcode: letter.errorCode,
    knativeerrordata: Buffer.from(letter.errorMessage.slice(0, ERROR_DATA_LIMIT)).toString('base64'),
    failedsubscription: letter.subscription,
    deliveryattempts: letter.attempts,
  };
}

/**
 * Reads a dead-lettered event back into the dead letter to store. `subscription` names the failed subscription
 * when the event does not (Knative: the Trigger's dead-letter URI carries it).
 */
export function deadLetterOf(received: DeadLetteredEvent, subscription?: string): DeadLetter {
  const { knativeerrordest, knativeerrorcode, knativeerrordata, failedsubscription, deliveryattempts, ...event } = received;
  const name = failedsubscription ?? subscription;
  if (!name) throw new MalformedEventError(`dead-lettered event ${received.id} names no subscription`);
  const code = knativeerrorcode === undefined ? 'UNKNOWN' : /^\d+$/.test(String(knativeerrorcode)) ? `HTTP_${knativeerrorcode}` : String(knativeerrorcode);
  // A count as text from a header (ce-deliveryattempts); anything but a positive int4 is refused, never stored as NaN.
  if (!/^[1-9]\d{0,8}$/.test(String(deliveryattempts ?? 1))) throw new MalformedEventError(`dead-lettered event ${received.id}: deliveryattempts must be a positive integer`);
  const data = knativeerrordata ? Buffer.from(String(knativeerrordata), 'base64').toString('utf8') : '';
  return {
    event,
    subscription: name,
    attempts: Number(deliveryattempts ?? 1),
    errorCode: code,
    errorMessage: [knativeerrordest && `delivery to ${knativeerrordest} failed`, data].filter(Boolean).join(': ') || 'dead-lettered by the broker',
  };
}
