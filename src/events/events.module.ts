import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ModuleRef } from '@nestjs/core';
import { Backlog } from './admission/backlog';
import { ShedWhenBackloggedGuard } from './admission/shed-when-backlogged.guard';
import { DeliveryFailures } from './delivery/delivery-failures';
import { DeliveryJournal } from './delivery/delivery-journal';
import { DeliveryTransaction } from './delivery/delivery-transaction';
import { EventRouter } from './delivery/event-router';
import { SubscriptionRegistry } from './delivery/subscription-registry';
import { TimedOutTransactions } from './delivery/timed-out-transactions';
import { EVENT_CATALOG, EventCatalog } from './catalog';
import { EventLog } from './event-log';
import { EventsConfig, eventsConfig } from './events.config';
import { Inbox } from './inbox/inbox';
import { Outbox } from './outbox/outbox';
import { OutboxCommit } from './outbox/outbox-commit';
import { OutboxDispatcher } from './outbox/outbox-dispatcher';
import { OutboxMetrics } from './outbox/outbox-metrics';
import { OUTBOX_ROWS } from './outbox/outbox-rows';
import { PostgresOutboxRows } from './outbox/postgres-outbox-rows';
import { CloudEventsReceiver } from './receiver/cloud-events.receiver';
import { ingressConfig } from './receiver/ingress.config';
import { IngressPolicy } from './receiver/ingress-policy';
import { BrokerGuard } from './receiver/broker.guard';
import { EventBusServer } from './server/event-bus.server';
import { EVENT_TRANSPORT, EventTransport } from './transport/event-transport';
import { HttpTransport } from './transport/http.transport';
import { httpTransportConfig } from './transport/http-transport.config';
import { InProcessTransport } from './transport/in-process.transport';
import { TransportReadiness } from './transport/transport-readiness';
import { kafkaConfig } from './transport/kafka/kafka.config';

/**
 * EVENT_TRANSPORT picks where the outbox sends events. With `http` nothing is routed in this process: the
 * Knative Broker delivers each event to the Triggers' subscribers, this one included, at POST /.
 */
const transport: Provider = {
  provide: EVENT_TRANSPORT,
  inject: [eventsConfig.KEY, InProcessTransport, ModuleRef],
  useFactory: async (config: EventsConfig, inProcess: InProcessTransport, moduleRef: ModuleRef): Promise<EventTransport> => {
    switch (config.EVENT_TRANSPORT) {
      case 'http':
        // K_SINK is read only here, when it is needed: the monolith has none.
        return new HttpTransport(httpTransportConfig());
      case 'kafka': {
        // Loaded only here, so a process on another transport never loads kafkajs (the split bundles leave it out).
        const { KafkaTransport } = await import('./transport/kafka/kafka.transport');
        return moduleRef.create(KafkaTransport);
      }
      default:
        return inProcess;
    }
  },
};

/** The internal event bus every module publishes to and subscribes through. */
@Global()
@Module({
  imports: [ConfigModule.forFeature(eventsConfig), ConfigModule.forFeature(kafkaConfig), ConfigModule.forFeature(ingressConfig)],
  controllers: [CloudEventsReceiver],
  providers: [
    Outbox,
    OutboxCommit,
    { provide: OUTBOX_ROWS, useClass: PostgresOutboxRows },
    Inbox,
    EventLog,
    SubscriptionRegistry,
    DeliveryFailures,
    DeliveryJournal,
    EventRouter,
    DeliveryTransaction,
    TimedOutTransactions,
    OutboxDispatcher,
    OutboxMetrics,
    EventBusServer,
    IngressPolicy,
    BrokerGuard,
    InProcessTransport,
    TransportReadiness,
    Backlog,
    ShedWhenBackloggedGuard,
    transport,
  ],
  exports: [Outbox, EventLog, EventRouter, EventBusServer, OutboxDispatcher, EVENT_TRANSPORT, Backlog, ShedWhenBackloggedGuard, IngressPolicy, BrokerGuard],
})
export class EventsModule {
  /** `eventTypes`: the names every module of the system publishes (not only this process's), from their declarations. */
  static forRoot({ eventTypes }: { eventTypes: readonly string[] }): DynamicModule {
    return { module: EventsModule, providers: [{ provide: EVENT_CATALOG, useValue: new EventCatalog(eventTypes) }], exports: [EVENT_CATALOG] };
  }
}
