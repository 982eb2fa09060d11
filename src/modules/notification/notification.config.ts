import { ConfigType } from '@nestjs/config';
import { z } from 'zod';
import { defineConfig } from '../../platform/config/define-config';

export const notificationConfig = defineConfig(
  'notification',
  z.object({
    NOTIFICATION_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional().describe('When set, every notification is also POSTed there as JSON (a non-2xx answer is retried).'),
  }),
);

export type NotificationConfig = ConfigType<typeof notificationConfig>;
