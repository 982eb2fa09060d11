import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { DeliveryFailures } from './delivery/delivery-failures';
import { DeliveryJournal } from './delivery/delivery-journal';
import { DeliveryTransaction } from './delivery/delivery-transaction';
import { EventRouter } from './delivery/event-router';
import { SubscriptionRegistry } from './delivery/subscription-registry';
import { EventLog } from './event-log';
import { eventsConfig } from './events.config';
import { Inbox } from './inbox/inbox';
import { Outbox } from './outbox/outbox';
import { OutboxDispatcher } from './outbox/outbox-dispatcher';
import { CloudEventsReceiver } from './receiver/cloud-events.receiver';
import { EventBusServer } from './server/event-bus.server';
import { EVENT_TRANSPORT } from './transport/event-transport';
import { InProcessTransport } from './transport/in-process.transport';

/** The internal event bus every module publishes to and subscribes through. */
@Global()
@Module({
  imports: [ConfigModule.forFeature(eventsConfig)],
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
    { provide: EVENT_TRANSPORT, useExisting: InProcessTransport },
  ],
  exports: [Outbox, EventLog, EventRouter, EventBusServer, OutboxDispatcher],
})
export class EventsModule {}
