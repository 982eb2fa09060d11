import { CloudEvent, HTTP } from 'cloudevents';
import { attributeProblem } from '../attribute-limits';
import { describeSdkError, withoutStackTraces } from '../cloudevents-sdk';
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
    throw new MalformedEventError(`not a valid CloudEvent: ${describeSdkError(error)}`);
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
  const problem = events.map(attributeProblem).find(Boolean);
  if (problem) throw new Error(problem);
  return events;
}
