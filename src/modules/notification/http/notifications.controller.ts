import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { SafeText } from '../../../platform/validation/safe-text';
import { ApiOperation } from '../../../platform/http/api-docs/api-operation';
import { cursorPosition, InvalidCursorError, Page, PageAnswer, PageQuery } from '../../../platform/http/page';
import { actingFor, Caller, CurrentCaller, CustomerMismatchError, CustomerRequiredError } from '../../../platform/http/customers/caller';
import { CUSTOMER_ACCESS, CustomerGuard } from '../../../platform/http/customers/customer.guard';
import { ZodPipe } from '../../../platform/http/zod-body.pipe';
import { Notifier, NotificationView } from '../domain/notifier';

const NotificationsQuery = z.object({ userId: SafeText.min(1).max(128).optional(), ...PageQuery }).strict();

// What the route answers, for /docs.
const NotificationAnswer = z.object({ id: z.string(), userId: z.string(), orderId: z.string(), channel: z.string(), title: z.string(), body: z.string(), createdAt: z.string() });

/** A customer lists its own notifications (`userId` is its token's subject, or left out); the admin token anyone's. */
@Controller('notifications')
@UseGuards(CustomerGuard)
export class NotificationsController {
  constructor(private readonly notifier: Notifier) {}

  @Get()
  @ApiOperation({
    tag: 'notifications',
    summary: "List a customer's notifications",
    description: 'Newest first, one page at a time (`nextCursor`). A customer lists its own (`userId` its token subject or left out); the admin token names the `userId`.',
    access: CUSTOMER_ACCESS,
    responses: { 200: { description: 'A page.', schema: PageAnswer(NotificationAnswer) } },
    errors: [InvalidCursorError, CustomerMismatchError, CustomerRequiredError],
  })
  list(@Query(new ZodPipe(NotificationsQuery)) query: z.output<typeof NotificationsQuery>, @CurrentCaller() caller: Caller): Promise<Page<NotificationView>> {
    return this.notifier.forUser(actingFor(caller, query.userId), query.limit, cursorPosition(query.cursor));
  }
}
