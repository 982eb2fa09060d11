import { EventPattern } from '@nestjs/microservices';
import { AttributeFilter } from './attribute-filter';
import { EventContract } from './contract';
import { DeliveryPolicy, deliveryPolicy } from './delivery/delivery-policy';

/**
 * One handler's subscription: which event it consumes and how it must be delivered. Declared once, with
 * `@Subscribe`, and read by every router: in-process, Kafka, and the Knative Trigger generator.
 */
export interface Subscription {
  /** `<subscriber>-<handler>`, e.g. `inventory-reserve-stock-when-order-created`: also the Trigger's name. */
  readonly name: string;
  /** The module that owns the handler. */
  readonly subscriber: string;
  readonly contract: EventContract;
  readonly delivery: DeliveryPolicy;
  /**
   * A filter on the attributes the type filter does not look at (the source, an extension the publisher
   * derives from the data). Checked before any transaction is opened; an event it rejects is acknowledged
   * untouched. The Trigger carries it too (`filters`), so the Broker never sends such an event.
   */
  readonly when?: AttributeFilter;
  /**
   * The handler depends on the order in which one order's events of this type arrive: a Kafka Broker delivers
   * them one at a time per partition, keyed by the `partitionkey` (the order id) every event carries.
   */
  readonly ordered?: boolean;
  /**
   * The handler reaches outside the database (a webhook, a gateway without idempotency keys): each event is
   * delivered in a transaction of its own, never batched, so another event's failure never runs it again.
   */
  readonly external?: boolean;
}

export interface SubscribeOptions extends Partial<DeliveryPolicy> {
  readonly subscriber: string;
  readonly when?: Subscription['when'];
  readonly external?: boolean;
  readonly ordered?: boolean;
}

/** Key under which the subscription travels in Nest's `@EventPattern` extras. */
export const SUBSCRIPTION_EXTRA = 'subscription';

export function Subscribe(contract: EventContract, { subscriber, when, external, ordered, ...delivery }: SubscribeOptions): MethodDecorator {
  return (target, key, descriptor) => {
    const subscription: Subscription = {
      name: `${subscriber}-${kebabCase(target.constructor.name.replace(/Handler$/, ''))}`,
      subscriber,
      contract,
      delivery: deliveryPolicy(delivery),
      when,
      external,
      ordered,
    };
    EventPattern<Record<string, unknown>>(contract.name, { [SUBSCRIPTION_EXTRA]: subscription })(target, key, descriptor as unknown as TypedPropertyDescriptor<(data: unknown) => unknown>);
  };
}

function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
