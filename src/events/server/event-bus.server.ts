import { Inject, Injectable } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { DeliveryContext } from '../delivery/delivery-context';
import { SubscriptionRegistry } from '../delivery/subscription-registry';
import { OutboxDispatcher } from '../outbox/outbox-dispatcher';
import { Subscription, SUBSCRIPTION_EXTRA } from '../subscription';
import { EVENT_TRANSPORT, EventTransport } from '../transport/event-transport';

/**
 * The bus as a Nest microservice transport strategy: Nest discovers the `@Subscribe` (`@EventPattern`)
 * handlers and hands them here; this server turns each into a subscription of the router, starts the
 * transport's receiving side (Kafka: the consumer groups) and starts moving the outbox.
 */
@Injectable()
export class EventBusServer extends Server implements CustomTransportStrategy {
  constructor(
    private readonly registry: SubscriptionRegistry,
    private readonly dispatcher: OutboxDispatcher,
    @Inject(EVENT_TRANSPORT) private readonly transport: EventTransport,
  ) {
    super();
  }

  /**
   * Nest chains the handlers of one pattern and runs the whole chain from each one; a subscription must run
   * alone (its own transaction, inbox record and retries), so handlers are keyed by subscription name instead.
   */
  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler?: boolean, extras: Record<string, unknown> = {}): void {
    const subscription = extras[SUBSCRIPTION_EXTRA] as Subscription | undefined;
    if (!subscription) throw new Error(`handler for ${String(pattern)} has no subscription: declare it with @Subscribe(contract, options)`);
    super.addHandler(subscription.name, callback, isEventHandler, extras);
  }

  listen(callback: (error?: unknown) => void): void {
    this.getHandlers().forEach((handler) => this.register(handler));
    Promise.resolve(this.transport.listen?.())
      .then(() => this.dispatcher.start())
      .then(() => callback(), callback);
  }

  /** Nest closes servers after the outbox dispatcher drained and before the database closes. */
  async close(): Promise<void> {
    await this.transport.close?.();
  }

  on(): never {
    throw new Error('the event bus server emits no status events');
  }

  unwrap<T>(): T {
    return this.dispatcher as T;
  }

  private register(handler: MessageHandler): void {
    const subscription = handler.extras![SUBSCRIPTION_EXTRA] as Subscription;
    this.registry.register({
      ...subscription,
      invoke: async (data: unknown, context: DeliveryContext) => {
        const result = await handler(data, context);
        await new Promise<void>((resolve, reject) => this.transformToObservable(result).subscribe({ error: reject, complete: resolve }));
      },
    });
  }
}
