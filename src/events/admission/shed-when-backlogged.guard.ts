import { applyDecorators, CanActivate, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BackloggedError } from '../errors';
import { Backlog } from './backlog';

/**
 * Admission control for intake routes: while the backlog is over its limits the request is refused with 503
 * and `Retry-After` before anything is stored, instead of queueing behind work the process cannot keep up with.
 */
@Injectable()
export class ShedWhenBackloggedGuard implements CanActivate {
  constructor(private readonly backlog: Backlog) {}

  canActivate(context: ExecutionContext): boolean {
    const excess = this.backlog.excess();
    if (!excess) return true;
    const http = context.switchToHttp();
    this.backlog.shed(http.getRequest<FastifyRequest>().routeOptions?.url ?? 'unmatched');
    http.getResponse<FastifyReply>().header('retry-after', this.backlog.retryAfterSeconds);
    throw new BackloggedError(`too busy to accept more now: ${excess}`);
  }
}

/** On an intake route: answered 503 with Retry-After while the backlog is over its limits. */
export const ShedWhenBacklogged = (): MethodDecorator & ClassDecorator => applyDecorators(UseGuards(ShedWhenBackloggedGuard));
