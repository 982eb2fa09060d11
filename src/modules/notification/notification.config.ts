import { ConfigType } from '@nestjs/config';
import { z } from 'zod';
import { defineConfig } from '../../platform/config/define-config';
import { WEBHOOK_SECRET } from './domain/channels/webhook-signature';

export const notificationConfig = defineConfig(
  'notification',
  z
    .object({
      NOTIFICATION_WEBHOOK_URL: z
        .url({ protocol: /^https?$/ })
        .optional()
        .describe('When set, every notification is also POSTed there as JSON after it committed, once per notification (a non-2xx answer is retried).'),
      NOTIFICATION_WEBHOOK_SECRET: z
        .string()
        .regex(WEBHOOK_SECRET, 'must be whsec_ and a base64 key of at least 24 bytes')
        .optional()
        .describe('Standard Webhooks signing secret (whsec_<base64 key>) for the webhook; required with NOTIFICATION_WEBHOOK_URL.'),
    })
    .refine((config) => !config.NOTIFICATION_WEBHOOK_URL || config.NOTIFICATION_WEBHOOK_SECRET, {
      path: ['NOTIFICATION_WEBHOOK_SECRET'],
      message: 'is required with NOTIFICATION_WEBHOOK_URL: receivers verify the signature',
    }),
);

export type NotificationConfig = ConfigType<typeof notificationConfig>;
