import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../kernel/errors';

/**
 * Who is calling a customer endpoint, as CustomerGuard found out: a customer (the token's `sub`), an admin
 * (sees everything), or anybody at all when CUSTOMER_AUTH=off.
 */
export type Caller = { kind: 'customer'; customerId: string } | { kind: 'admin' } | { kind: 'anybody' };

export const CALLER = Symbol('caller');

export type RequestWithCaller = FastifyRequest & { [CALLER]?: Caller };

/** The Caller of a route behind CustomerGuard. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<RequestWithCaller>()[CALLER];
  if (!caller) throw new Error('CurrentCaller needs CustomerGuard on the route');
  return caller;
});

/** A customer asked to act for, or read, another customer. */
export class CustomerMismatchError extends AppError {
  readonly code = 'CUSTOMER_MISMATCH';
  readonly kind = 'forbidden' as const;
}

export class CustomerRequiredError extends AppError {
  readonly code = 'CUSTOMER_REQUIRED';
  readonly kind = 'invalid' as const;
}

/**
 * The customer a request acts for: a customer acts for itself (naming another is refused), an admin or
 * anybody (CUSTOMER_AUTH=off) for the one it names.
 */
export function actingFor(caller: Caller, named: string | undefined): string {
  if (caller.kind === 'customer') {
    if (named !== undefined && named !== caller.customerId) throw new CustomerMismatchError('a customer acts only for itself: userId must be the token subject or left out');
    return caller.customerId;
  }
  if (named === undefined) throw new CustomerRequiredError('userId is required');
  return named;
}

/** Whose data a caller may read: a customer its own only (undefined: anyone's). */
export function ownerScope(caller: Caller): string | undefined {
  return caller.kind === 'customer' ? caller.customerId : undefined;
}
