import { collectSubscriptions } from './subscriptions';

/**
 * Subscription names are pinned: each is the key of its inbox rows (`events.inbox.subscription`, so a renamed
 * subscription would handle every stored event again), of its delivery failures and dead letters, and the name
 * of its deployed Knative Trigger. They are written in each `@Subscribe` and never derived from a class name.
 * Renaming one needs a migration that rewrites those rows, the dead-letter catalogue, and a Trigger swap on
 * Knative (the old Trigger deleted, the new applied): then change the name here too.
 */
const PINNED = [
  'inventory-reserve-stock-when-order-created',
  'inventory-settle-reservation-when-payment-result',
  'notification-call-webhook-when-notification-send',
  'notification-notify-when-payment-result',
  'notification-notify-when-stock-insufficient',
  'orders-mark-reserved-when-payment-requested',
  'orders-record-order-when-order-created',
  'orders-reject-when-stock-insufficient',
  'orders-settle-when-payment-result',
  'payment-take-payment-when-payment-requested',
];

describe('subscription names', () => {
  it('stay exactly the names the inboxes and Triggers already carry', () => {
    expect(collectSubscriptions().map(({ subscription }) => subscription.name)).toEqual(PINNED);
  });

  it('each begin with the module that declares them', () => {
    for (const { module, subscription } of collectSubscriptions()) expect(subscription.name.startsWith(`${module}-`)).toBe(true);
  });
});
