import { defineEvent } from './contract';
import { SubscriptionNameError } from './errors';
import { SUBSCRIPTION_EXTRA, Subscribe, SubscribeOptions, Subscription } from './subscription';
import { PATTERN_EXTRAS_METADATA } from '@nestjs/microservices/constants';
import { z } from 'zod';

const Happened = defineEvent('order.created', 'orders', z.object({ id: z.string() }));

/** Declares a handler the way a module does, and returns the subscription `@Subscribe` attached to it. */
function declare(options: SubscribeOptions): Subscription {
  class SomeHandler {
    @Subscribe(Happened, options)
    handle(): void {}
  }
  const extras = Reflect.getMetadata(PATTERN_EXTRAS_METADATA, SomeHandler.prototype.handle) as Record<string, Subscription>;
  return extras[SUBSCRIPTION_EXTRA];
}

describe('@Subscribe', () => {
  it('takes the name as written, whatever the class is called', () => {
    expect(declare({ name: 'orders-record-it', subscriber: 'orders' }).name).toBe('orders-record-it');
  });

  it('refuses, as the class loads, a name no Trigger could carry', () => {
    for (const name of ['orders-Record-It', 'orders-record_it', 'orders-record-it-', `orders-${'x'.repeat(57)}`]) {
      expect(() => declare({ name, subscriber: 'orders' })).toThrow(SubscriptionNameError);
    }
  });

  it('accepts a name of 63 characters, the longest a Trigger takes', () => {
    const name = `orders-${'x'.repeat(56)}`;
    expect(declare({ name, subscriber: 'orders' }).name).toHaveLength(63);
  });

  it('refuses a name that does not begin with its subscriber and a dash', () => {
    for (const name of ['inventory-record-it', 'ordersrecord-it', 'orders']) {
      expect(() => declare({ name, subscriber: 'orders' })).toThrow(/must start with its subscriber/);
    }
  });

  it('batches only a subscription that opts in', () => {
    expect(declare({ name: 'orders-record-it', subscriber: 'orders' }).batched).toBe(false);
    expect(declare({ name: 'orders-record-it', subscriber: 'orders', batched: true }).batched).toBe(true);
  });
});
