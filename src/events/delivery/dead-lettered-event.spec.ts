import { deadLetteredEvent, deadLetterOf, storableDeadLetter } from './dead-lettered-event';

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

  it("take the subscription from the sink URI over the one the event's publisher wrote into it", () => {
    expect(deadLetterOf({ ...event, failedsubscription: 'orders-record-order-when-order-created' }, 'inventory-reserve-stock-when-order-created').subscription).toBe('inventory-reserve-stock-when-order-created');
  });

  it('refuse a dead letter that names no subscription', () => {
    expect(() => deadLetterOf({ ...event, knativeerrorcode: '500' })).toThrow('names no subscription');
  });

  it.each(['abc', '0', '-1', '1.5', '99999999999'])('refuse a dead letter whose deliveryattempts is %s', (attempts) => {
    expect(() => deadLetterOf({ ...event, failedsubscription: 's', deliveryattempts: attempts as unknown as number })).toThrow('deliveryattempts must be a positive integer');
  });

  it('are stored as they are when Postgres can store every string in them', () => {
    const letter = { event: { ...event, data: { note: 'naïve 😀' } }, subscription: 'kafka:toolsku.events', attempts: 1, errorCode: 'EVENT_RECORD_UNREADABLE', errorMessage: 'no ce_ headers' };
    expect(storableDeadLetter(letter)).toBe(letter);
  });

  it('keep an event holding a NUL or a lone surrogate whole, base64-encoded, with storable attributes and the reason', () => {
    const hostile = { ...event, id: 'e-\u0000', data: { note: 'a\u0000b', [`k\ud800`]: 'lone \udc00' } };
    const letter = { event: hostile, subscription: 'kafka:toolsku.events', attempts: 1, errorCode: 'EVENT_TYPE_UNKNOWN', errorMessage: 'type not in the catalog' };

    const stored = storableDeadLetter(letter);

    expect(stored.event).toEqual({
      specversion: '1.0',
      id: 'e-\ufffd',
      source: '/orders',
      type: 'com.toolsku.order.created',
      subject: 'o-1',
      datacontenttype: 'application/cloudevents+json',
      data_base64: expect.any(String),
    });
    expect(JSON.parse(Buffer.from(stored.event.data_base64 as string, 'base64').toString('utf8'))).toEqual(hostile);
    expect(stored.errorMessage).toMatch(/^type not in the catalog \(stored base64-encoded: .*NUL/);
    expect(JSON.stringify(stored)).not.toMatch(/\\u0000|\\ud[89a-f]/);
  });

  it('keep an event whose id is too long to index the same way, its attributes cut', () => {
    const long = { ...event, id: 'x'.repeat(12_000) };
    const stored = storableDeadLetter({ event: long, subscription: 'kafka:toolsku.events', attempts: 1, errorCode: 'EVENT_RECORD_UNREADABLE', errorMessage: 'bad' });

    expect(stored.event.id).toHaveLength(1024);
    expect(JSON.parse(Buffer.from(stored.event.data_base64 as string, 'base64').toString('utf8'))).toEqual(long);
  });
});
