import { EventPattern } from '@nestjs/microservices';
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
}

export interface SubscribeOptions extends Partial<DeliveryPolicy> {
  readonly subscriber: string;
}

/** Key under which the subscription travels in Nest's `@EventPattern` extras. */
export const SUBSCRIPTION_EXTRA = 'subscription';

export function Subscribe(contract: EventContract, { subscriber, ...delivery }: SubscribeOptions): MethodDecorator {
  return (target, key, descriptor) => {
    const subscription: Subscription = {
      name: `${subscriber}-${kebabCase(target.constructor.name.replace(/Handler$/, ''))}`,
      subscriber,
      contract,
      delivery: deliveryPolicy(delivery),
    };
    EventPattern(contract.name, { [SUBSCRIPTION_EXTRA]: subscription })(target, key, descriptor as unknown as TypedPropertyDescriptor<(data: unknown) => unknown>);
  };
}

function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
