import { AppError } from '../../../../platform/errors';
import { Channel, Message } from './channel';

export class WebhookUnavailableError extends AppError {
  readonly code = 'NOTIFICATION_WEBHOOK_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
}

const TIMEOUT_MS = 5000;

/** POSTs the notification as JSON to NOTIFICATION_WEBHOOK_URL; anything but a 2xx is a failure to retry. */
export class WebhookChannel implements Channel {
  readonly name = 'webhook';

  constructor(private readonly url: string) {}

  async send(message: Message): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).catch((error: Error) => {
      throw new WebhookUnavailableError(`notification webhook unreachable: ${error.message}`);
    });
    if (!response.ok) throw new WebhookUnavailableError(`notification webhook answered ${response.status}`);
  }
}
