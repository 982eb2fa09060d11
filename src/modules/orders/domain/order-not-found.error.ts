import { AppError } from '../../../kernel/errors';

export class OrderNotFoundError extends AppError {
  readonly code = 'ORDER_NOT_FOUND';
  readonly kind = 'not_found' as const;
}
