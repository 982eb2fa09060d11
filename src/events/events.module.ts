import { Global, Module, Provider } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
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
import { HttpTransport } from './transport/http.transport';
import { httpTransportConfig } from './transport/http-transport.config';
import { InProcessTransport } from './transport/in-process.transport';

/**
 * EVENT_TRANSPORT picks where the outbox sends events. With `http` nothing is routed in this process: the
 * Knative Broker delivers each event to the Triggers' subscribers, this one included, at POST /.
 */
const transport: Provider = {
  provide: EVENT_TRANSPORT,
  inject: [eventsConfig.KEY, InProcessTransport],
  // K_SINK is read only here, when it is needed: the monolith has none.
  useFactory: (config: EventsConfig, inProcess: InProcessTransport) => (config.EVENT_TRANSPORT === 'http' ? new HttpTransport(httpTransportConfig()) : inProcess),
};

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
    EventRouter,
    OutboxDispatcher,
    EventBusServer,
    InProcessTransport,
    transport,
  ],
  exports: [Outbox, EventLog, EventRouter, EventBusServer, OutboxDispatcher],
})
export class EventsModule {}
