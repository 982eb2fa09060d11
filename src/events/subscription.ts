import { EventPattern } from '@nestjs/microservices';
import { CloudEvent } from 'cloudevents';
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
   * A filter on what the type filter cannot see (the data, the source). Checked before any transaction is
   * opened; an event it rejects is acknowledged untouched. Knative Triggers filter on attributes only, so
   * there the receiver applies it after delivery, with the same result.
   */
  readonly when?: (data: any, event: CloudEvent<unknown>) => boolean;
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
}

/** Key under which the subscription travels in Nest's `@EventPattern` extras. */
export const SUBSCRIPTION_EXTRA = 'subscription';

export function Subscribe(contract: EventContract, { subscriber, when, external, ...delivery }: SubscribeOptions): MethodDecorator {
  return (target, key, descriptor) => {
    const subscription: Subscription = {
      name: `${subscriber}-${kebabCase(target.constructor.name.replace(/Handler$/, ''))}`,
      subscriber,
      contract,
      delivery: deliveryPolicy(delivery),
      when,
      external,
    };
    EventPattern(contract.name, { [SUBSCRIPTION_EXTRA]: subscription })(target, key, descriptor as unknown as TypedPropertyDescriptor<(data: unknown) => unknown>);
  };
}

function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
