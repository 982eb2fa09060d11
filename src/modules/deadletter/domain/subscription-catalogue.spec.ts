import { collectSubscriptions } from '../../../split/manifests/subscriptions';
import { consumes, SUBSCRIPTION_CATALOGUE } from './subscription-catalogue';

describe('the subscription catalogue of the dead-letter office', () => {
  it('is exactly the @Subscribe declarations the Trigger generator reads (edit subscription-catalogue.ts to match)', () => {
    const declared = Object.fromEntries(collectSubscriptions().map(({ subscription }) => [subscription.name, subscription.contract.name]));
    expect(SUBSCRIPTION_CATALOGUE).toEqual(declared);
  });

  it('knows which type each subscription consumes, under the prefix in use', () => {
    expect(consumes('payment-take-payment-when-payment-requested', 'com.toolsku.payment.request', 'com.toolsku')).toBe(true);
    expect(consumes('payment-take-payment-when-payment-requested', 'acme.payment.request', 'acme')).toBe(true);
    expect(consumes('payment-take-payment-when-payment-requested', 'com.toolsku.payment.result', 'com.toolsku')).toBe(false);
    expect(consumes('no-such-subscription', 'com.toolsku.payment.request', 'com.toolsku')).toBe(false);
    expect(consumes('constructor', 'com.toolsku.payment.request', 'com.toolsku')).toBe(false);
  });
});
