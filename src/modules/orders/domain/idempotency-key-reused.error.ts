import { AppError } from '../../../kernel/errors';

/** An `Idempotency-Key` sent again with a different request: the first request's order stands, this one is refused. */
export class IdempotencyKeyReusedError extends AppError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly kind = 'unprocessable' as const;
}
