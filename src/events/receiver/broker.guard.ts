import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ApiAccess } from '../../platform/http/api-docs/api-operation';
import { EventSenderUnauthenticatedError, SenderKeysUnavailableError } from './ingress.errors';
import { BROKER_CHALLENGE, IngressPolicy } from './ingress-policy';

/** Who may call a BrokerGuard route, for /docs. */
export const BROKER_ACCESS: ApiAccess = { schemes: ['brokerOidc'], errors: [EventSenderUnauthenticatedError, SenderKeysUnavailableError] };

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
