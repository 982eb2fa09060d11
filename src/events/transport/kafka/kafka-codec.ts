import { CloudEvent, CloudEventV1, Kafka, Message as CloudEventsMessage } from 'cloudevents';
import type { IHeaders, Message } from 'kafkajs';
import { attributeProblem } from '../../attribute-limits';
import { describeSdkError, withoutStackTraces } from '../../cloudevents-sdk';
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
  const cloudEvent = event instanceof CloudEvent ? event : new CloudEvent(event, false);
  // The SDK maps every own property but data to a header, unset attributes too: those are left out.
  const headers: Record<string, string> = {};
  for (const [header, value] of Object.entries(Kafka.binary(cloudEvent).headers)) if (value !== undefined && value !== null) headers[header] = String(value);
  return { key: cloudEvent.subject ?? null, value: valueOf(cloudEvent.data, cloudEvent.datacontenttype), headers };
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
  const value = record.value?.toString('utf8');
  try {
    // No key: the SDK would add it as a `partitionkey` extension, and the key is the subject, not part of the event.
    return withoutStackTraces(() => {
      const parsed = Kafka.toEvent({ value, headers, body: value } as CloudEventsMessage<string>) as CloudEvent<unknown> | CloudEvent<unknown>[];
      if (Array.isArray(parsed)) throw new Error('a batch of events in one record is not accepted');
      parsed.validate();
      const problem = attributeProblem(parsed);
      if (problem) throw new Error(problem);
      return parsed;
    });
  } catch (error) {
    throw new UnreadableRecordError(`not a valid CloudEvent: ${describeSdkError(error)}`);
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
