import { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { AppError } from '../../kernel/errors';

export class InvalidRequestError extends AppError {
  readonly code = 'REQUEST_INVALID';
  readonly kind = 'invalid' as const;
}

/** Validates (and narrows) a request part with a zod schema; strict object schemas reject unknown fields. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const reasons = result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw new InvalidRequestError(reasons.join('; '));
  }
}
