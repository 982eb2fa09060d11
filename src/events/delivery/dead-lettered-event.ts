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
 * (Knative: the Trigger's dead-letter URI carries it) and wins over the event's own `failedsubscription`, which
 * on Knative is whatever the event's publisher wrote; our transports set only the extension.
 */
export function deadLetterOf(received: DeadLetteredEvent, subscription?: string): DeadLetter {
  const { knativeerrordest, knativeerrorcode, knativeerrordata, failedsubscription, deliveryattempts, ...event } = received;
  const name = subscription ?? failedsubscription;
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

/** A NUL (Postgres text and jsonb refuse it) or a lone surrogate (no UTF-8 encoding): what cannot be stored as is. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Longest id, source, type, subject or subscription kept as is: they are indexed, and a btree entry must fit a third of a page. */
const ATTRIBUTE_LIMIT = 1024;

/**
 * The letter as the dead-letter office can store it. One whose event holds text Postgres refuses is kept
 * whole, as base64 of its JSON (`data_base64`, content type `application/cloudevents+json`), under attributes
 * made storable (those characters replaced by U+FFFD, cut at 1024 characters), with the reason added to its
 * error message: never refused, so the partition or request that carried it moves on.
 */
export function storableDeadLetter(letter: DeadLetter): DeadLetter {
  const { event } = letter;
  const attributes = [event.id, event.source, event.type, event.subject, letter.subscription];
  if (!holdsUnstorable(letter) && !attributes.some((value) => String(value ?? '').length > ATTRIBUTE_LIMIT)) return letter;
  const clean = (text: string) => text.slice(0, ATTRIBUTE_LIMIT).replace(new RegExp(UNSTORABLE, 'g'), '\ufffd');
  return {
    event: {
      specversion: '1.0',
      id: clean(String(event.id)),
      source: clean(String(event.source)),
      type: clean(String(event.type)),
      ...(event.subject === undefined ? {} : { subject: clean(event.subject) }),
      datacontenttype: 'application/cloudevents+json',
      data_base64: Buffer.from(JSON.stringify(event)).toString('base64'),
    },
    subscription: clean(letter.subscription),
    attempts: letter.attempts,
    errorCode: clean(letter.errorCode),
    errorMessage: `${clean(letter.errorMessage)} (stored base64-encoded: the event holds a NUL, a lone surrogate or an attribute too long to store as is)`,
  };
}

function holdsUnstorable(value: unknown): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (Array.isArray(value)) return value.some(holdsUnstorable);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([key, item]) => UNSTORABLE.test(key) || holdsUnstorable(item));
  return false;
}
