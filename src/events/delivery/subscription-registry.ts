import { Injectable } from '@nestjs/common';
import { Subscription } from '../subscription';
import { DeliveryContext } from './delivery-context';

/** A subscription bound to the Nest handler that serves it in this process. */
export interface LocalSubscription extends Subscription {
  invoke(data: unknown, context: DeliveryContext): Promise<unknown>;
}

/** The subscriptions this process serves, filled from the `@Subscribe` handlers when the event server starts. */
@Injectable()
export class SubscriptionRegistry {
  private readonly byName = new Map<string, LocalSubscription>();
  private readonly byType = new Map<string, LocalSubscription[]>();

  register(subscription: LocalSubscription): void {
    if (this.byName.has(subscription.name)) throw new Error(`subscription ${subscription.name} is declared twice`);
    this.byName.set(subscription.name, subscription);
    this.byType.set(subscription.contract.name, [...this.forType(subscription.contract.name), subscription]);
  }

  forType(name: string): readonly LocalSubscription[] {
    return this.byType.get(name) ?? [];
  }

  named(name: string): LocalSubscription | undefined {
    return this.byName.get(name);
  }

  all(): LocalSubscription[] {
    return [...this.byName.values()];
  }
}
