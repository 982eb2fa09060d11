import { Inject, Injectable } from '@nestjs/common';
import { CloudEvent } from 'cloudevents';
import type { FastifyRequest } from 'fastify';
import type { ApiAccess } from '../../platform/http/api-docs/api-operation';
import { bearerTokenOf, SharedSecret } from '../../platform/http/bearer';
import { EventContract } from '../contract';
import { EventsConfig, eventsConfig } from '../events.config';
import { BrokerTokenVerifier } from './broker-token-verifier';
import { IngressConfig, ingressConfig } from './ingress.config';
import { EventSenderForbiddenError, EventSenderUnauthenticatedError, EventSourceReservedError, EventTypeInternalError, IngressClosedError, SenderKeysUnavailableError } from './ingress.errors';
import { namesAModule } from './module-sources';

/** Who sent a request to POST /: an external producer (the ingress token), the Knative Broker, or nobody we know. */
export type EventSender = 'producer' | 'broker' | 'anonymous';

const PRODUCER_CHALLENGE = 'Bearer realm="events"';
export const BROKER_CHALLENGE = 'Bearer realm="knative-broker"';

/** Who may send to POST /, for /docs: a producer with the ingress token (one process, Kafka), or the Broker (Knative). */
export const INGRESS_ACCESS: readonly ApiAccess[] = [
  { schemes: ['eventsIngressToken'], errors: [EventSenderUnauthenticatedError, IngressClosedError, EventTypeInternalError, EventSourceReservedError] },
  { schemes: ['brokerOidc'], errors: [EventSenderUnauthenticatedError, EventSenderForbiddenError, IngressClosedError, SenderKeysUnavailableError] },
];

/**
 * The one ingress policy of `POST /`, derived from the contracts (docs/adr/0013). In one process and over Kafka
 * internal types never arrive over HTTP (their publisher hands them to the bus), so POST / takes only external
 * types, from producers holding EVENTS_INGRESS_TOKEN, under a source that is not one of our modules. On Knative
 * every event comes through the Broker, which proves itself with an OIDC token; nobody else is let in.
 */
@Injectable()
export class IngressPolicy {
  private readonly ingressToken?: SharedSecret;
  private readonly broker?: BrokerTokenVerifier;
  private readonly behindBroker: boolean;
  private readonly brokerTrusted: boolean;
  private readonly brokerSubjects?: readonly string[];

  constructor(@Inject(eventsConfig.KEY) events: EventsConfig, @Inject(ingressConfig.KEY) config: IngressConfig) {
    this.behindBroker = events.EVENT_TRANSPORT === 'http';
    this.brokerTrusted = this.behindBroker && config.EVENTS_BROKER_AUTH === 'off';
    this.ingressToken = config.EVENTS_INGRESS_TOKEN && !this.behindBroker ? new SharedSecret(config.EVENTS_INGRESS_TOKEN) : undefined;
    this.brokerSubjects = config.EVENTS_BROKER_SUBJECTS;
    const audience = config.EVENTS_OIDC_AUDIENCE ?? config.K_SERVICE;
    if (this.behindBroker && !this.brokerTrusted && audience) this.broker = new BrokerTokenVerifier(config.EVENTS_OIDC_ISSUER, audience);
  }

  /** Authenticates the request's sender; a token that is presented but not valid is refused at once. */
  async senderOf(request: FastifyRequest): Promise<EventSender> {
    if (this.brokerTrusted) return 'broker';
    const token = bearerTokenOf(request.headers.authorization);
    if (token === undefined) return 'anonymous';
    if (this.ingressToken?.matches(token)) return 'producer';
    const claims = this.broker && (await this.broker.verify(token));
    if (claims) return this.admitted(claims.sub);
    throw new EventSenderUnauthenticatedError('the bearer token is not valid here', this.behindBroker ? BROKER_CHALLENGE : PRODUCER_CHALLENGE);
  }

  /** Behind the Broker, throws for anyone else before the request is read any further (what it names is not told). */
  requireBrokerIfBehindIt(sender: EventSender): void {
    if (!this.behindBroker || sender === 'broker') return;
    if (!this.broker) throw new IngressClosedError('POST / takes events from the Knative Broker only, and no OIDC audience is configured (EVENTS_OIDC_AUDIENCE or K_SERVICE)');
    throw new EventSenderUnauthenticatedError('POST / takes events from the Knative Broker only, with its OIDC token', BROKER_CHALLENGE);
  }

  /**
   * Knative Serving does not enforce EventPolicies at a Service, so the receiver does (docs/adr/0013): a token the
   * cluster signed for our audience is the Broker's only if its subject is one the policy admits (403 otherwise,
   * as Knative answers a failed authorization).
   */
  private admitted(subject: string | undefined): 'broker' {
    if (!this.brokerSubjects || (subject && this.brokerSubjects.some((admitted) => (admitted.endsWith('*') ? subject.startsWith(admitted.slice(0, -1)) : subject === admitted)))) return 'broker';
    throw new EventSenderForbiddenError(`the token's subject ${subject ?? '(none)'} is not one EVENTS_BROKER_SUBJECTS admits`);
  }

  /** Throws unless `sender` may send this event, whose type `contract` describes. */
  admit(sender: EventSender, event: CloudEvent<unknown>, contract: EventContract): void {
    if (sender === 'broker') return;
    this.requireBrokerIfBehindIt(sender);
    if (!contract.external) throw new EventTypeInternalError(`event ${event.id}: ${event.type} is internal; only its publisher (${contract.source}) emits it, never over HTTP`);
    if (!this.ingressToken) throw new IngressClosedError('POST / takes no external event: set EVENTS_INGRESS_TOKEN to open it');
    if (sender !== 'producer') throw new EventSenderUnauthenticatedError(`event ${event.id}: ${event.type} needs the ingress bearer token`, PRODUCER_CHALLENGE);
    if (namesAModule(event.source)) throw new EventSourceReservedError(`event ${event.id}: source ${event.source} names one of our modules; send under your own`);
  }
}
