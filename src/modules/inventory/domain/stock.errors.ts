import { AppError } from '../../../kernel/errors';

export class SkuNotFoundError extends AppError {
  readonly code = 'SKU_NOT_FOUND';
  readonly kind = 'not_found' as const;
}

export class IncompleteStockItemError extends AppError {
  readonly code = 'SKU_INCOMPLETE';
  readonly kind = 'invalid' as const;
}
