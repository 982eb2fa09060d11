import { Controller, HttpCode, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SafeText } from '../../../platform/validation/safe-text';
import { BROKER_ACCESS, BrokerGuard, cloudEventsOf, deadLetterOf, DeadLetteredEvent, MalformedEventError } from '../../../events';
import { ApiOperation } from '../../../platform/http/api-docs/api-operation';
import { ZodPipe } from '../../../platform/http/zod-body.pipe';
import { DeadLetterOffice } from '../domain/dead-letter-office';

const IntakeQuery = z.object({ subscription: SafeText.regex(/^[a-z0-9-]{1,253}$/).optional() }).strict();

/**
 * `POST /dead-letters/intake?subscription=<name>`: the dead-letter sink of every generated Trigger. Knative
 * posts the event it gave up on, with `knativeerrordest`, `knativeerrorcode` and `knativeerrordata`; the
 * Trigger's sink URI names the subscription, which Knative does not. 204 once stored; 4xx for what is not a
 * dead-lettered event, and 422 DEAD_LETTER_SUBSCRIPTION_MISMATCH for a letter whose subscription does not exist
 * or does not consume its type (./domain/subscription-catalogue.ts). Routed only behind the Broker (EVENT_TRANSPORT=http), and only for it: its dead-letter
 * delivery presents an OIDC token, as its deliveries to POST / do (docs/adr/0013).
 */
@Controller('dead-letters/intake')
@UseGuards(BrokerGuard)
export class DeadLetterIntakeController {
  constructor(private readonly office: DeadLetterOffice) {}

  @Post()
  @HttpCode(204)
  @ApiOperation({
    tag: 'events',
    summary: 'Take a dead-lettered event (the Knative Broker only)',
    description: "Every generated Trigger's dead-letter sink, routed with EVENT_TRANSPORT=http only.",
    access: BROKER_ACCESS,
    rawBody: {
      contentTypes: ['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json'],
      description: 'The CloudEvent Knative gave up on, with its knativeerror* extensions (binary, structured or batch mode).',
    },
    responses: { 204: { description: 'Stored.' } },
    errors: [MalformedEventError],
  })
  async receive(@Req() request: FastifyRequest, @Query(new ZodPipe(IntakeQuery)) query: z.output<typeof IntakeQuery>): Promise<void> {
    const letters = cloudEventsOf(request).map((event) => deadLetterOf(event.toJSON() as DeadLetteredEvent, query.subscription));
    // All checked before any is stored: a letter naming a subscription that does not consume its type stores nothing.
    letters.forEach((letter) => this.office.checkSubscription(letter));
    for (const letter of letters) await this.office.accept(letter);
  }
}
