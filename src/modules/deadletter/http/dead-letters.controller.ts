import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { NotReplayableError, SubscriptionNotHereError } from '../../../events';
import { ADMIN_ACCESS, AdminGuard } from '../../../platform/http/admin.guard';
import { ApiOperation } from '../../../platform/http/api-docs/api-operation';
import { cursorPosition, InvalidCursorError, Page, PageAnswer, PageQuery } from '../../../platform/http/page';
import { ZodPipe } from '../../../platform/http/zod-body.pipe';
import { SafeText } from '../../../platform/validation/safe-text';
import { DeadLetterOffice, DeadLetterView } from '../domain/dead-letter-office';
import { DeadLetterAlreadyReplayedError, DeadLetterNotFoundError } from '../domain/dead-letter.errors';

export const ListQuery = z
  .object({
    status: z.enum(['dead', 'replayed']).optional(),
    subscription: SafeText.min(1).max(256).optional(),
    type: SafeText.min(1).max(256).optional(),
    errorCode: SafeText.min(1).max(128).optional(),
    ...PageQuery,
  })
  .strict();

// What the routes answer, for /docs.
const DeadLetterAnswer = z.object({
  id: z.uuid(),
  subscription: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  subject: z.string().nullable(),
  attempts: z.number().int(),
  errorCode: z.string(),
  errorMessage: z.string(),
  status: z.enum(['dead', 'replayed']),
  createdAt: z.string(),
  replayedAt: z.string().nullable(),
  event: z.object({ specversion: z.string(), id: z.string(), source: z.string(), type: z.string() }).loose().describe('The CloudEvent as it was dead-lettered.'),
});

/** Dead letters hold customer data and replay changes state: both are admin-only. */
@Controller('dead-letters')
@UseGuards(AdminGuard)
export class DeadLettersController {
  constructor(private readonly office: DeadLetterOffice) {}

  @Get()
  @ApiOperation({
    tag: 'dead letters',
    summary: 'List dead letters',
    description: 'Newest first, one page at a time (`nextCursor`).',
    access: ADMIN_ACCESS,
    responses: { 200: { description: 'A page.', schema: PageAnswer(DeadLetterAnswer) } },
    errors: [InvalidCursorError],
  })
  list(@Query(new ZodPipe(ListQuery)) query: z.output<typeof ListQuery>): Promise<Page<DeadLetterView>> {
    const { limit, cursor, ...filter } = query;
    return this.office.list(limit, cursorPosition(cursor), filter);
  }

  @Get('counts')
  @ApiOperation({
    tag: 'dead letters',
    summary: 'Count dead letters',
    description: 'How many are dead and how many replayed.',
    access: ADMIN_ACCESS,
    responses: { 200: { description: 'The counts.', schema: z.object({ dead: z.number().int(), replayed: z.number().int() }) } },
  })
  count(): Promise<Record<'dead' | 'replayed', number>> {
    return this.office.count();
  }

  @Get(':id')
  @ApiOperation({
    tag: 'dead letters',
    summary: 'Read a dead letter',
    description: 'The event as it was dead-lettered and the error.',
    access: ADMIN_ACCESS,
    responses: { 200: { description: 'The dead letter.', schema: DeadLetterAnswer } },
    errors: [DeadLetterNotFoundError],
  })
  find(@Param('id', new ZodPipe(z.uuid())) id: string): Promise<DeadLetterView> {
    return this.office.find(id);
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({
    tag: 'dead letters',
    summary: 'Replay a dead letter',
    description: 'Delivers the event again to the one subscription that gave up on it (through the Broker on Knative).',
    access: ADMIN_ACCESS,
    responses: { 200: { description: 'The dead letter, now replayed.', schema: DeadLetterAnswer } },
    errors: [DeadLetterNotFoundError, DeadLetterAlreadyReplayedError, SubscriptionNotHereError, NotReplayableError],
  })
  replay(@Param('id', new ZodPipe(z.uuid())) id: string): Promise<DeadLetterView> {
    return this.office.replay(id);
  }
}
