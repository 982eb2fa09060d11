import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ShedWhenBacklogged } from '../admission/shed-when-backlogged.guard';
import { checkpoint } from '../checkpoints';
import { EventRouter } from '../delivery/event-router';
import { ApiOperation } from '../../platform/http/api-docs/api-operation';
import { BackloggedError, DeliveryBacklogFullError, DeliveryTimeoutError, MalformedEventError, UnknownEventTypeError } from '../errors';
import { AmountNotInCurrencyError } from '../../kernel/money';
import { replayOf } from '../replay-mark';
import { cloudEventsOf } from './cloud-events-request';
import { INGRESS_ACCESS, IngressPolicy } from './ingress-policy';

/**
 * `POST /`: the CloudEvents HTTP receiver (binary, structured and batch modes) and the Knative delivery
 * target. Every event of a request is checked before any is handled, so a malformed one stores nothing.
 * 204 once every local subscription committed; 4xx for what a retry cannot fix; 5xx asks the sender to retry.
 * Who may send what is the ingress policy's call (./ingress-policy.ts), made before anything is handled.
 */
@Controller()
export class CloudEventsReceiver {
  constructor(
    private readonly router: EventRouter,
    private readonly ingress: IngressPolicy,
  ) {}

  @Post('/')
  @HttpCode(204)
  @ShedWhenBacklogged()
  @ApiOperation({
    tag: 'events',
    summary: 'Receive CloudEvents',
    description:
      'CloudEvents 1.0 over HTTP: binary, structured or batch mode, data `application/json`; the types and their schemas are in docs/asyncapi.yaml. On Knative the Broker delivers here; elsewhere external producers send external types (`order.created`) with the ingress token. Every event of a request is checked before any is handled.',
    access: INGRESS_ACCESS,
    rawBody: {
      contentTypes: ['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json'],
      description: 'Binary mode: the data, with ce-* headers. Structured: one event. Batch: an array of events.',
    },
    responses: { 204: { description: 'Every local subscription committed the events.' } },
    errors: [MalformedEventError, UnknownEventTypeError, AmountNotInCurrencyError, BackloggedError, DeliveryTimeoutError, DeliveryBacklogFullError],
  })
  async receive(@Req() request: FastifyRequest): Promise<void> {
    const sender = await this.ingress.senderOf(request);
    this.ingress.requireBrokerIfBehindIt(sender);
    const deliveries = cloudEventsOf(request).map((received) => {
      // Only the Broker relays replays (the deadletter module's, marked for one subscription); anyone else's mark is no mark.
      const { event, replayTo } = sender === 'broker' ? replayOf(received) : { event: received, replayTo: undefined };
      if (event.datacontenttype !== undefined && !/^application\/json\b/.test(event.datacontenttype)) {
        throw new MalformedEventError(`event ${event.id}: datacontenttype must be application/json, got ${event.datacontenttype}`);
      }
      const subscriptions = this.router.subscriptionsFor(event);
      if (subscriptions.length === 0) throw new UnknownEventTypeError(`event ${event.id}: no subscription here accepts type ${event.type}`);
      this.ingress.admit(sender, event, subscriptions[0].contract);
      subscriptions.forEach((subscription) => this.router.validate(subscription, event));
      return { event, subscriptions: subscriptions.filter((subscription) => replayTo === undefined || subscription.name === replayTo) };
    });
    for (const { event, subscriptions } of deliveries) {
      await Promise.all(subscriptions.map((subscription) => this.router.deliverOnce(subscription, event)));
    }
    checkpoint('receiverCommitted');
  }
}
