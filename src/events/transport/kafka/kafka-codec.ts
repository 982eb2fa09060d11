import { CloudEvent, CloudEventV1, Kafka } from 'cloudevents';
import type { IHeaders, Message } from 'kafkajs';
import { UnreadableRecordError } from '../../errors';

/** A record as a consumer receives it: what the codec reads. */
export interface KafkaRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

/**
 * The CloudEvents Kafka protocol binding, binary content mode: attributes and extensions in `ce_` headers,
 * `content-type` = datacontenttype, the data as the value, the subject as the key (one order's events share
 * a partition, so they stay in order).
 */
export function toKafkaMessage(event: CloudEventV1<unknown>): Message {
  const { data, data_base64: _binary, ...attributes } = event instanceof CloudEvent ? (event.toJSON() as unknown as CloudEventV1<unknown>) : event;
  const binary = Kafka.binary(new CloudEvent({ ...attributes }, false));
  const headers = Object.fromEntries(Object.entries(binary.headers).filter(([, value]) => value !== undefined && value !== null).map(([header, value]) => [header, String(value)]));
  return { key: event.subject ?? null, value: valueOf(data, attributes.datacontenttype), headers };
}

/** JSON data as JSON; text data (an unreadable record's bytes, kept for its dead letter) as it is. */
function valueOf(data: unknown, contentType: string | undefined): string | null {
  if (data === undefined) return null;
  return typeof data === 'string' && !/json/.test(contentType ?? 'application/json') ? data : JSON.stringify(data);
}

/** The CloudEvent in a record, binary or structured; an UnreadableRecordError saying why when there is none. */
export function fromKafkaRecord(record: KafkaRecord): CloudEvent<unknown> {
  const headers = textHeaders(record.headers);
  const structured = /^application\/cloudevents/.test(headers['content-type'] ?? '');
  if (!structured && !headers.ce_specversion) throw new UnreadableRecordError(`no CloudEvent in the record: ${headers.ce_id ? 'no ce_specversion header' : 'no ce_ headers'}`);
  try {
    const message = { key: record.key ?? '', value: record.value?.toString('utf8'), headers, body: record.value?.toString('utf8') };
    const parsed = Kafka.toEvent(message) as CloudEvent<unknown> | CloudEvent<unknown>[];
    if (Array.isArray(parsed)) throw new Error('a batch of events in one record is not accepted');
    // The SDK adds the record key as a `partitionkey` extension: the key is the subject, not part of the event.
    const { partitionkey: _key, ...event } = parsed.toJSON();
    const result = new CloudEvent(event as CloudEventV1<unknown>, false);
    result.validate();
    return result;
  } catch (error) {
    throw new UnreadableRecordError(`not a valid CloudEvent: ${describe(error)}`);
  }
}

/** The `ce_type` header, read without decoding the value (undefined in structured mode). */
export function recordType(record: KafkaRecord): string | undefined {
  const type = record.headers?.ce_type;
  return type === undefined ? undefined : String(Array.isArray(type) ? type[0] : type);
}

function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) text[name.toLowerCase()] = String(Array.isArray(value) ? value[0] : value);
  }
  return text;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = (error as Error & { errors?: unknown }).errors;
  return Array.isArray(details) && details.length > 0 ? `${error.message}: ${JSON.stringify(details)}` : error.message;
}
