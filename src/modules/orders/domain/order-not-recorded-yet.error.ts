import { AppError } from '../../../kernel/errors';

/** An event refers to an order not recorded here yet: retried with the subscription's backoff, never dropped. */
export class OrderNotRecordedYetError extends AppError {
  readonly code = 'ORDER_NOT_RECORDED_YET';
  readonly kind = 'unavailable' as const;
}
