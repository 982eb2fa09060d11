import { AppError } from '../../../kernel/errors';

export class DeadLetterNotFoundError extends AppError {
  readonly code = 'DEAD_LETTER_NOT_FOUND';
  readonly kind = 'not_found' as const;
}

export class DeadLetterAlreadyReplayedError extends AppError {
  readonly code = 'DEAD_LETTER_ALREADY_REPLAYED';
  readonly kind = 'conflict' as const;
}

/** A letter names a subscription that does not exist or does not consume its event's type: never stored, never replayed. */
export class DeadLetterSubscriptionMismatchError extends AppError {
  readonly code = 'DEAD_LETTER_SUBSCRIPTION_MISMATCH';
  readonly kind = 'unprocessable' as const;
}
