import { EventPattern } from '@nestjs/microservices';
import { AttributeFilter } from './attribute-filter';
import { EventContract } from './contract';
import { DeliveryPolicy, deliveryPolicy } from './delivery/delivery-policy';
import { SubscriptionNameError } from './errors';

/**
 * One handler's subscription: which event it consumes and how it must be delivered. Declared once, with
 * `@Subscribe`, and read by every router: in-process, Kafka, and the Knative Trigger generator.
 */
export interface Subscription {
  /**
   * `<subscriber>-<what it does>`, e.g. `inventory-reserve-stock-when-order-created`, written in the declaration:
   * the inbox's key and the Trigger's name, so it must never change (a rename is a data migration).
   */
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
   * The handler's writes are all in the delivery transaction, so it may run again when a batch-mate fails:
   * its deliveries share transactions (up to EVENTS_DELIVERY_BATCH, ADR 9). Without it, one transaction per
   * event, and only its own failure ever runs it again.
   */
  readonly batched: boolean;
}

export interface SubscribeOptions extends Partial<DeliveryPolicy> {
  /** Required and stable: see `Subscription.name`. */
  readonly name: string;
  readonly subscriber: string;
  readonly when?: Subscription['when'];
  readonly ordered?: boolean;
  /** Opt in to shared transactions: see `Subscription.batched`. */
  readonly batched?: boolean;
}

/** Key under which the subscription travels in Nest's `@EventPattern` extras. */
export const SUBSCRIPTION_EXTRA = 'subscription';

export function Subscribe(contract: EventContract, { name, subscriber, when, ordered, batched = false, ...delivery }: SubscribeOptions): MethodDecorator {
  checkName(name, subscriber);
  const subscription: Subscription = { name, subscriber, contract, delivery: deliveryPolicy(delivery), when, ordered, batched };
  return (target, key, descriptor) => {
    EventPattern<Record<string, unknown>>(contract.name, { [SUBSCRIPTION_EXTRA]: subscription })(target, key, descriptor as unknown as TypedPropertyDescriptor<(data: unknown) => unknown>);
  };
}

/** A Kubernetes object name that is also a DNS label (RFC 1123), as a Trigger's name must be. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function checkName(name: string, subscriber: string): void {
  if (!DNS_LABEL.test(name))
    throw new SubscriptionNameError(`subscription name ${JSON.stringify(name)} is not a DNS-1123 label (lower-case letters, digits and dashes, at most 63 characters): it names a Knative Trigger`);
  if (!name.startsWith(`${subscriber}-`)) throw new SubscriptionNameError(`subscription name ${name} must start with its subscriber and a dash (${subscriber}-...)`);
}
