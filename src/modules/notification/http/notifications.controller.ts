import { Controller, Get, Query } from '@nestjs/common';
import { z } from 'zod';
import { SafeText } from '../../../platform/validation/safe-text';
import { cursorPosition, Page, PageQuery } from '../../../platform/http/page';
import { ZodPipe } from '../../../platform/http/zod-body.pipe';
import { Notifier, NotificationView } from '../domain/notifier';

const NotificationsQuery = z.object({ userId: SafeText.min(1).max(128), ...PageQuery }).strict();

@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifier: Notifier) {}

  @Get()
  list(@Query(new ZodPipe(NotificationsQuery)) query: z.output<typeof NotificationsQuery>): Promise<Page<NotificationView>> {
    return this.notifier.forUser(query.userId, query.limit, cursorPosition(query.cursor));
  }
}
