import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { EventSenderUnauthenticatedError } from './ingress.errors';
import { BROKER_CHALLENGE, IngressPolicy } from './ingress-policy';

/** Endpoints only the Knative Broker calls (the dead-letter intake): its OIDC token, or 401. */
@Injectable()
export class BrokerGuard implements CanActivate {
  constructor(private readonly ingress: IngressPolicy) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if ((await this.ingress.senderOf(context.switchToHttp().getRequest<FastifyRequest>())) !== 'broker') {
      throw new EventSenderUnauthenticatedError('only the Knative Broker, with its OIDC token, may call this', BROKER_CHALLENGE);
    }
    return true;
  }
}
