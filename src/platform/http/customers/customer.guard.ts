import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError, UnauthenticatedError } from '../../../kernel/errors';
import type { ApiAccess } from '../api-docs/api-operation';
import { AdminGuard } from '../admin.guard';
import { bearerTokenOf } from '../bearer';
import { CALLER, Caller, RequestWithCaller } from './caller';
import { CustomerAuthConfig, customerAuthConfig } from './customer-auth.config';
import { CustomerKeysUnavailableError, CustomerTokens } from './customer-tokens';

class CustomerAuthUnconfiguredError extends AppError {
  readonly code = 'CUSTOMER_AUTH_UNCONFIGURED';
  readonly kind = 'forbidden' as const;
}

class CustomerTokenRequiredError extends UnauthenticatedError {
  readonly code = 'CUSTOMER_TOKEN_REQUIRED';
}

/** Who may call a CustomerGuard route, for /docs: a customer's JWT, or the admin token. */
export const CUSTOMER_ACCESS: ApiAccess = { schemes: ['customerJwt', 'adminToken'], errors: [CustomerAuthUnconfiguredError, CustomerTokenRequiredError, CustomerKeysUnavailableError] };

const REALM = 'Bearer realm="customers"';

/**
 * Customer endpoints: the admin token sees everything; otherwise a customer's bearer JWT (CUSTOMER_AUTH=jwt)
 * names the customer, or, with CUSTOMER_AUTH=off, anybody may act for anyone. The route reads the result
 * with @CurrentCaller().
 */
@Injectable()
export class CustomerGuard implements CanActivate {
  private readonly tokens?: CustomerTokens;
  private readonly open: boolean;

  constructor(
    @Inject(customerAuthConfig.KEY) config: CustomerAuthConfig,
    private readonly admin: AdminGuard,
  ) {
    this.open = config.CUSTOMER_AUTH === 'off';
    const { CUSTOMER_JWT_ISSUER: issuer, CUSTOMER_JWT_AUDIENCE: audience, CUSTOMER_JWKS_URL: jwks } = config;
    if (!this.open && issuer && audience && jwks) this.tokens = new CustomerTokens(issuer, audience, jwks);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    request[CALLER] = await this.callerOf(request);
    return true;
  }

  /** Who the request comes from; throws when it may not call customer endpoints (for pages that render their refusal themselves). */
  async callerOf(request: FastifyRequest): Promise<Caller> {
    if (this.admin.isAdmin(request)) return { kind: 'admin' };
    if (this.open) return { kind: 'anybody' };
    if (!this.tokens) throw new CustomerAuthUnconfiguredError('customer endpoints are closed: set CUSTOMER_JWT_ISSUER, CUSTOMER_JWT_AUDIENCE and CUSTOMER_JWKS_URL (or CUSTOMER_AUTH=off for local use)');
    const token = bearerTokenOf(request.headers.authorization);
    if (!token) throw new CustomerTokenRequiredError('a customer bearer token is required', REALM);
    const customerId = await this.tokens.customerOf(token);
    if (!customerId) throw new CustomerTokenRequiredError('the customer token is not valid', `${REALM}, error="invalid_token"`);
    return { kind: 'customer', customerId };
  }
}
