import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CloudEvent, HTTP } from 'cloudevents';
import type { FastifyRequest } from 'fastify';
import { EventRouter } from '../delivery/event-router';
import { MalformedEventError, UnknownEventTypeError } from '../errors';

/**
 * `POST /`: the CloudEvents HTTP receiver (binary, structured and batch modes) and the Knative delivery
 * target. Every event of a request is checked before any is handled, so a malformed one stores nothing.
 * 204 once every local subscription committed; 4xx for what a retry cannot fix; 5xx asks the sender to retry.
 */
@Controller()
export class CloudEventsReceiver {
  constructor(private readonly router: EventRouter) {}

  @Post('/')
  @HttpCode(204)
  async receive(@Req() request: FastifyRequest): Promise<void> {
    const deliveries = toEvents(request).map((event) => {
      if (event.datacontenttype !== undefined && !/^application\/json\b/.test(event.datacontenttype)) {
        throw new MalformedEventError(`event ${event.id}: datacontenttype must be application/json, got ${event.datacontenttype}`);
      }
      const subscriptions = this.router.subscriptionsFor(event);
      if (subscriptions.length === 0) throw new UnknownEventTypeError(`event ${event.id}: no subscription here accepts type ${event.type}`);
      subscriptions.forEach((subscription) => this.router.validate(subscription, event));
      return { event, subscriptions };
    });
    for (const { event, subscriptions } of deliveries) {
      await Promise.all(subscriptions.map((subscription) => this.router.deliverOnce(subscription, event)));
    }
  }
}

function toEvents(request: FastifyRequest): CloudEvent<unknown>[] {
  try {
    const structured = /^application\/cloudevents(-batch)?\+json/.test(request.headers['content-type'] ?? '');
    // The SDK fills in a missing ce-specversion: a binary-mode request without one is not a CloudEvent.
    if (!structured && !request.headers['ce-specversion']) throw new Error('binary mode needs a ce-specversion header');
    const parsed = HTTP.toEvent({ headers: request.headers as Record<string, string>, body: request.body });
    const events = (Array.isArray(parsed) ? parsed : [parsed]) as CloudEvent<unknown>[];
    if (events.length === 0) throw new Error('the batch is empty');
    // The SDK builds events from HTTP without validating them; required attributes are checked here.
    events.forEach((event) => event.validate());
    return events;
  } catch (error) {
    throw new MalformedEventError(`not a valid CloudEvent: ${describe(error)}`);
  }
}

/** The SDK's ValidationError lists what failed in `errors`: that list is the useful part of the message. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = (error as Error & { errors?: unknown }).errors;
  return Array.isArray(details) && details.length > 0 ? `${error.message}: ${JSON.stringify(details)}` : error.message;
}
