import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { DeliveryFailures } from './delivery/delivery-failures';
import { DeliveryJournal } from './delivery/delivery-journal';
import { DeliveryTransaction } from './delivery/delivery-transaction';
import { EventRouter } from './delivery/event-router';
import { SubscriptionRegistry } from './delivery/subscription-registry';
import { EventLog } from './event-log';
import { EventsConfig, eventsConfig } from './events.config';
import { Inbox } from './inbox/inbox';
import { Outbox } from './outbox/outbox';
import { OutboxDispatcher } from './outbox/outbox-dispatcher';
import { CloudEventsReceiver } from './receiver/cloud-events.receiver';
import { EventBusServer } from './server/event-bus.server';
import { EVENT_TRANSPORT } from './transport/event-transport';
import { InProcessTransport } from './transport/in-process.transport';
import { kafkaConfig } from './transport/kafka/kafka.config';
import { KafkaTransport } from './transport/kafka/kafka.transport';

/** The internal event bus every module publishes to and subscribes through. */
@Global()
@Module({
  imports: [ConfigModule.forFeature(eventsConfig), ConfigModule.forFeature(kafkaConfig)],
  controllers: [CloudEventsReceiver],
  providers: [
    Outbox,
    Inbox,
    EventLog,
    SubscriptionRegistry,
    DeliveryFailures,
    DeliveryJournal,
    EventRouter,
    DeliveryTransaction,
    OutboxDispatcher,
    EventBusServer,
    InProcessTransport,
    KafkaTransport,
    {
      provide: EVENT_TRANSPORT,
      inject: [eventsConfig.KEY, InProcessTransport, KafkaTransport],
      useFactory: (config: EventsConfig, inProcess: InProcessTransport, kafka: KafkaTransport) => (config.EVENT_TRANSPORT === 'kafka' ? kafka : inProcess),
    },
  ],
  exports: [Outbox, EventLog, EventRouter, EventBusServer, OutboxDispatcher, EVENT_TRANSPORT],
})
export class EventsModule {}
