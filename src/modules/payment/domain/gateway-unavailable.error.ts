import { AppError } from '../../../kernel/errors';

/** The gateway could not answer: transient, so the delivery is retried with backoff. */
export class GatewayUnavailableError extends AppError {
  readonly code = 'PAYMENT_GATEWAY_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
}
