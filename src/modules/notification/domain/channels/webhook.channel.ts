import { AppError } from '../../../../kernel/errors';
import { Channel, Message } from './channel';
import { webhookHeaders } from './webhook-signature';

export class WebhookUnavailableError extends AppError {
  readonly code = 'NOTIFICATION_WEBHOOK_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
}

const TIMEOUT_MS = 5000;

/**
 * POSTs the notification as JSON to NOTIFICATION_WEBHOOK_URL, signed the Standard Webhooks way with
 * NOTIFICATION_WEBHOOK_SECRET; anything but a 2xx is a failure to retry.
 */
export class WebhookChannel implements Channel {
  readonly name = 'webhook';
  readonly external = true;

  constructor(
    private readonly url: string,
    private readonly secret: string,
  ) {}

  async send(message: Message, notificationId: string): Promise<void> {
    const body = JSON.stringify(message);
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...webhookHeaders(this.secret, notificationId, body) },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).catch((error: Error) => {
      throw new WebhookUnavailableError(`notification webhook unreachable: ${error.message}`);
    });
    if (!response.ok) throw new WebhookUnavailableError(`notification webhook answered ${response.status}`);
  }
}
