import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError, UnauthenticatedError } from '../../kernel/errors';
import type { ApiAccess } from './api-docs/api-operation';
import { bearerTokenOf, SharedSecret } from './bearer';
import { HttpConfig, httpConfig } from './http.config';

class AdminDisabledError extends AppError {
  readonly code = 'ADMIN_DISABLED';
  readonly kind = 'forbidden' as const;
}

class AdminTokenRequiredError extends UnauthenticatedError {
  readonly code = 'ADMIN_TOKEN_REQUIRED';
}

/** Who may call an AdminGuard route, for /docs. */
export const ADMIN_ACCESS: ApiAccess = { schemes: ['adminToken'], errors: [AdminDisabledError, AdminTokenRequiredError] };

/** Admin endpoints need `Authorization: Bearer <ADMIN_TOKEN>`; with no token configured they are closed, never open. */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected?: SharedSecret;

  constructor(@Inject(httpConfig.KEY) config: HttpConfig) {
    this.expected = config.ADMIN_TOKEN ? new SharedSecret(config.ADMIN_TOKEN) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    this.mustBeAdmin(context.switchToHttp().getRequest<FastifyRequest>());
    return true;
  }

  /** Throws unless the request carries the admin token (for pages that render their refusal themselves). */
  mustBeAdmin(request: FastifyRequest): void {
    if (!this.expected) throw new AdminDisabledError('admin endpoints are disabled: set ADMIN_TOKEN to enable them');
    if (!this.isAdmin(request)) throw new AdminTokenRequiredError('a valid admin bearer token is required', 'Bearer realm="admin"');
  }

  /** Whether the request carries the admin token (false while none is configured): endpoints that also serve customers ask this. */
  isAdmin(request: FastifyRequest): boolean {
    return this.expected?.matches(bearerTokenOf(request.headers.authorization)) ?? false;
  }
}
