import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors';
import { HttpConfig, httpConfig } from './http.config';

class AdminDisabledError extends AppError {
  readonly code = 'ADMIN_DISABLED';
  readonly kind = 'forbidden' as const;
}

class AdminTokenRequiredError extends AppError {
  readonly code = 'ADMIN_TOKEN_REQUIRED';
  readonly kind = 'unauthorized' as const;
}

/** Admin endpoints need `Authorization: Bearer <ADMIN_TOKEN>`; with no token configured they are closed, never open. */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(@Inject(httpConfig.KEY) config: HttpConfig) {
    this.expected = config.ADMIN_TOKEN ? digest(config.ADMIN_TOKEN) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) throw new AdminDisabledError('admin endpoints are disabled: set ADMIN_TOKEN to enable them');
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    // Comparing digests keeps the comparison constant-time whatever the presented token's length.
    if (!token || !timingSafeEqual(digest(token), this.expected)) throw new AdminTokenRequiredError('a valid admin bearer token is required');
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
