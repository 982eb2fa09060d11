import { deadLetteredEvent, deadLetterOf } from './dead-lettered-event';

const event = { specversion: '1.0', id: 'e-1', source: '/orders', type: 'com.toolsku.order.created', subject: 'o-1', data: { orderId: 'o-1' } };

describe('dead-lettered events', () => {
  it('carry the dead letter across a process boundary unchanged', () => {
    const letter = { event, subscription: 'inventory-reserve-stock-when-order-created', attempts: 6, errorCode: 'STOCK_DB_DOWN', errorMessage: 'connection refused' };
    expect(deadLetterOf(deadLetteredEvent(letter, 'kafka:orders'))).toEqual({ ...letter, errorMessage: 'delivery to kafka:orders failed: connection refused' });
  });

  it('read a Knative dead letter: numeric code as HTTP_<code>, base64 data, subscription from the sink URI', () => {
    const knative = { ...event, knativeerrordest: 'http://inventory.shop.svc.cluster.local', knativeerrorcode: '503', knativeerrordata: Buffer.from('busy').toString('base64') };
    expect(deadLetterOf(knative, 'inventory-reserve-stock-when-order-created')).toEqual({
      event,
      subscription: 'inventory-reserve-stock-when-order-created',
      attempts: 1,
      errorCode: 'HTTP_503',
      errorMessage: 'delivery to http://inventory.shop.svc.cluster.local failed: busy',
    });
  });

  it('refuse a dead letter that names no subscription', () => {
    expect(() => deadLetterOf({ ...event, knativeerrorcode: '500' })).toThrow('names no subscription');
  });

  it.each(['abc', '0', '-1', '1.5', '99999999999'])('refuse a dead letter whose deliveryattempts is %s', (attempts) => {
    expect(() => deadLetterOf({ ...event, failedsubscription: 's', deliveryattempts: attempts as unknown as number })).toThrow('deliveryattempts must be a positive integer');
  });
});
