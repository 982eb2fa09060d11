import { CloudEvent } from 'cloudevents';
import { fromKafkaRecord, KafkaRecord, recordType, toKafkaMessage } from './kafka-codec';

const event = new CloudEvent<unknown>({
  id: 'evt-1',
  source: 'orders',
  type: 'com.toolsku.order.created',
  subject: 'order-1',
  time: '2026-11-25T10:00:00.000Z',
  datacontenttype: 'application/json',
  data: { orderId: 'order-1', total: '9.99' },
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
});

function asRecord(message: ReturnType<typeof toKafkaMessage>): KafkaRecord {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, Buffer.from(String(value))]));
  return { key: message.key == null ? null : Buffer.from(String(message.key)), value: message.value == null ? null : Buffer.from(String(message.value)), headers };
}

function binary(headers: Record<string, string>, value: string | null): KafkaRecord {
  return { key: null, value: value === null ? null : Buffer.from(value), headers: Object.fromEntries(Object.entries(headers).map(([name, text]) => [name, Buffer.from(text)])) };
}

const attributes = { ce_specversion: '1.0', ce_id: 'evt-2', ce_source: 'storefront', ce_type: 'com.toolsku.order.created', 'content-type': 'application/json' };

describe('the CloudEvents Kafka binding', () => {
  it('writes binary mode: attributes and extensions in ce_ headers, the data as JSON, the subject as the key', () => {
    const message = toKafkaMessage(event);

    expect(message.key).toBe('order-1');
    expect(JSON.parse(String(message.value))).toEqual({ orderId: 'order-1', total: '9.99' });
    expect(message.headers).toEqual({
      'content-type': 'application/json',
      ce_id: 'evt-1',
      ce_source: 'orders',
      ce_type: 'com.toolsku.order.created',
      ce_specversion: '1.0',
      ce_subject: 'order-1',
      ce_time: '2026-11-25T10:00:00.000Z',
      ce_datacontenttype: 'application/json',
      ce_traceparent: event.traceparent,
    });
  });

  it('reads back the event it wrote, extensions included and no partition key added', () => {
    const read = fromKafkaRecord(asRecord(toKafkaMessage(event)));

    expect(read.toJSON()).toEqual(event.toJSON());
    expect(read['partitionkey']).toBeUndefined();
    expect(JSON.stringify(read)).not.toContain('partitionkey');
    expect(recordType(asRecord(toKafkaMessage(event)))).toBe('com.toolsku.order.created');
  });

  it('carries text data as it is', () => {
    const text = new CloudEvent<unknown>({ id: 'raw-1', source: 'kafka:events', type: 'com.toolsku.unreadable-record', datacontenttype: 'text/plain', data: '{"orderId": ' });

    expect(toKafkaMessage(text).value).toBe('{"orderId": ');
    expect(fromKafkaRecord(asRecord(toKafkaMessage(text))).data).toBe('{"orderId": ');
  });

  it('reads structured mode', () => {
    const record: KafkaRecord = { key: Buffer.from('order-1'), value: Buffer.from(event.toString()), headers: { 'content-type': Buffer.from('application/cloudevents+json; charset=utf-8') } };

    expect(fromKafkaRecord(record).toJSON()).toEqual(event.toJSON());
    expect(recordType(record)).toBeUndefined();
  });

  it('reads a binary event written by another client', () => {
    const read = fromKafkaRecord(binary(attributes, '{"orderId":"order-2"}'));

    expect(read).toMatchObject({ id: 'evt-2', source: 'storefront', type: 'com.toolsku.order.created', data: { orderId: 'order-2' } });
  });

  it.each([
    ['a record without ce_ headers', binary({ 'content-type': 'application/json' }, '{}'), /no ce_ headers/],
    ['a record without ce_specversion', binary({ ce_id: 'x', ce_type: 't', ce_source: 's' }, '{}'), /no ce_specversion/],
    ['data that is not JSON', binary(attributes, '{"orderId": '), /not a valid CloudEvent/],
    ['a binary event without a source', binary({ ...attributes, ce_source: '' }, '{}'), /source/],
    ['a 12 KB ce_id', binary({ ...attributes, ce_id: 'i'.repeat(12_048) }, '{}'), /attribute id is 12048 bytes/],
    ['a NUL in ce_subject', binary({ ...attributes, ce_subject: 'o\u00001' }, '{}'), /attribute subject holds a NUL/],
    ['a structured event that is not JSON', { key: null, value: Buffer.from('{oops'), headers: { 'content-type': Buffer.from('application/cloudevents+json') } }, /not a valid CloudEvent/],
  ])('refuses %s with an unreadable-record error naming the reason', (_what, record, reason) => {
    expect(() => fromKafkaRecord(record)).toThrow(expect.objectContaining({ code: 'EVENT_RECORD_UNREADABLE', message: expect.stringMatching(reason) }));
  });
});
