import { Controller, Get, Query } from '@nestjs/common';
import { z } from 'zod';
import { SafeText } from '../../../platform/validation/safe-text';
import { ZodPipe } from '../../../platform/http/zod-body.pipe';
import { Notifier, NotificationView } from '../domain/notifier';

const NotificationsQuery = z.object({ userId: SafeText.min(1).max(128) }).strict();

@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifier: Notifier) {}

  @Get()
  list(@Query(new ZodPipe(NotificationsQuery)) query: z.output<typeof NotificationsQuery>): Promise<NotificationView[]> {
    return this.notifier.forUser(query.userId);
  }
}
