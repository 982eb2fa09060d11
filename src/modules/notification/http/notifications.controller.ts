import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { SafeText } from '../../../platform/validation/safe-text';
import { cursorPosition, Page, PageQuery } from '../../../platform/http/page';
import { actingFor, Caller, CurrentCaller } from '../../../platform/http/customers/caller';
import { CustomerGuard } from '../../../platform/http/customers/customer.guard';
import { ZodPipe } from '../../../platform/http/zod-body.pipe';
import { Notifier, NotificationView } from '../domain/notifier';

const NotificationsQuery = z.object({ userId: SafeText.min(1).max(128).optional(), ...PageQuery }).strict();

/** A customer lists its own notifications (`userId` is its token's subject, or left out); the admin token anyone's. */
@Controller('notifications')
@UseGuards(CustomerGuard)
export class NotificationsController {
  constructor(private readonly notifier: Notifier) {}

  @Get()
  list(@Query(new ZodPipe(NotificationsQuery)) query: z.output<typeof NotificationsQuery>, @CurrentCaller() caller: Caller): Promise<Page<NotificationView>> {
    return this.notifier.forUser(actingFor(caller, query.userId), query.limit, cursorPosition(query.cursor));
  }
}
