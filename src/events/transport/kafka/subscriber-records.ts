import { CloudEvent, CloudEventV1 } from 'cloudevents';
import type { KafkaMessage } from 'kafkajs';
import { AppError } from '../../../kernel/errors';
import { EventCatalog, UNREADABLE_RECORD } from '../../catalog';
import { EventRouter } from '../../delivery/event-router';
import { LocalSubscription } from '../../delivery/subscription-registry';
import { UnknownEventTypeError, UnreadableRecordError } from '../../errors';
import { replayOf } from '../../replay-mark';
import { fromKafkaRecord, recordType } from './kafka-codec';

const RAW_DATA_LIMIT = 4096;

/**
 * What one subscribing module's consumer group does with a record of the events topic: hands a catalog event
 * to the module's subscriptions for its type under their delivery policy (`router.deliver`, as in-process),
 * skips the types the module does not subscribe to without decoding them, and dead-letters what is no
 * catalog event at all (unreadable, or a type outside the catalog). Those dead letters are filed under
 * `kafka:<topic>`, not under a subscription, so the letters of every group about one record are one letter.
 */
export class SubscriberRecords {
  constructor(
    private readonly subscriptions: readonly LocalSubscription[],
    private readonly router: EventRouter,
    private readonly topic: string,
    private readonly prefix: string,
    private readonly catalog: EventCatalog,
  ) {}

  readonly handle = async (record: KafkaMessage, partition: number): Promise<void> => {
    const type = recordType(record);
    if (type !== undefined && this.catalog.nameOf(type, this.prefix) && this.forType(type).length === 0) return;
    let event: CloudEvent<unknown>;
    try {
      event = fromKafkaRecord(record);
    } catch (error) {
      if (error instanceof UnreadableRecordError) return this.deadLetter(this.rawEvent(record, partition), error);
      throw error;
    }
    if (!this.catalog.nameOf(event.type, this.prefix)) {
      return this.deadLetter(event.toJSON(), new UnknownEventTypeError(`event ${event.id}: type ${event.type} is not in the catalog`));
    }
    const { event: delivered, replayTo } = replayOf(event);
    const subscriptions = this.forType(event.type).filter((subscription) => replayTo === undefined || subscription.name === replayTo);
    await Promise.all(subscriptions.map((subscription) => this.router.deliver(subscription, delivered)));
  };

  private forType(type: string): LocalSubscription[] {
    const name = this.catalog.nameOf(type, this.prefix);
    return this.subscriptions.filter((subscription) => subscription.contract.name === name);
  }

  private deadLetter(event: Record<string, unknown>, error: AppError): Promise<void> {
    return this.router.deadLetter({ event: event as unknown as CloudEventV1<unknown>, subscription: `kafka:${this.topic}`, attempts: 1, errorCode: error.code, errorMessage: error.message });
  }

  /** An unreadable record as an event the dead-letter office can keep: its position for id, its bytes as text. */
  private rawEvent(record: KafkaMessage, partition: number): Record<string, unknown> {
    return {
      specversion: '1.0',
      id: `${this.topic}/${partition}/${record.offset}`,
      source: `kafka:${this.topic}`,
      type: recordType(record) ?? `${this.prefix}.${UNREADABLE_RECORD}`,
      subject: record.key?.toString(),
      datacontenttype: 'text/plain',
      data: record.value?.toString('utf8').slice(0, RAW_DATA_LIMIT) ?? '',
    };
  }
}
