import { CloudEvent, HTTP } from 'cloudevents';
import { MalformedEventError } from '../errors';

/** The parts of an HTTP request a CloudEvent is read from. */
export interface CloudEventsRequest {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** The CloudEvents of a request in binary, structured or batch mode, each validated; a MalformedEventError otherwise. */
export function cloudEventsOf(request: CloudEventsRequest): CloudEvent<unknown>[] {
  try {
    return withoutStackTraces(() => parse(request));
  } catch (error) {
    throw new MalformedEventError(`not a valid CloudEvent: ${describe(error)}`);
  }
}

function parse(request: CloudEventsRequest): CloudEvent<unknown>[] {
  const structured = /^application\/cloudevents(-batch)?\+json/.test(String(request.headers['content-type'] ?? ''));
  // The SDK fills in a missing ce-specversion: a binary-mode request without one is not a CloudEvent.
  if (!structured && !request.headers['ce-specversion']) throw new Error('binary mode needs a ce-specversion header');
  const parsed = HTTP.toEvent({ headers: request.headers as Record<string, string>, body: request.body });
  const events = (Array.isArray(parsed) ? parsed : [parsed]) as CloudEvent<unknown>[];
  if (events.length === 0) throw new Error('the batch is empty');
  // The SDK builds events from HTTP without validating them; required attributes are checked here.
  events.forEach((event) => event.validate());
  return events;
}

/**
 * The SDK constructs a ValidationError for each check it makes, before knowing whether the check fails
 * (`isDefinedOrThrow(payload, new ValidationError(...))`): capturing their stack traces was a tenth of the
 * receiver's CPU. Its errors are reported by message only (MalformedEventError has the stack that matters).
 */
function withoutStackTraces<T>(work: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return work();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The SDK's ValidationError lists what failed in `errors`: that list is the useful part of the message. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = (error as Error & { errors?: unknown }).errors;
  return Array.isArray(details) && details.length > 0 ? `${error.message}: ${JSON.stringify(details)}` : error.message;
}
