import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CloudEvent } from 'cloudevents';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import './kafkajs-idle-timer';
import { EVENT_CATALOG, EventCatalog } from '../../catalog';
import { durationMs } from '../../../platform/config/duration';
import { DeadLetter, DeadLetterSink, localDeadLetterSink } from '../../delivery/dead-letter-sink';
import { deadLetteredEvent } from '../../delivery/dead-lettered-event';
import { EventRouter } from '../../delivery/event-router';
import { SubscriptionRegistry } from '../../delivery/subscription-registry';
import { NotReplayableError } from '../../errors';
import { EventsConfig, eventsConfig } from '../../events.config';
import { markedForReplay } from '../../replay-mark';
import { EventTransport } from '../event-transport';
import { DeadLetterIntake } from './dead-letter-intake';
import { KafkaConfig, kafkaConfig } from './kafka.config';
import { toKafkaMessage } from './kafka-codec';
import { KafkaPublisher } from './kafka-publisher';
import { ensureTopics } from './kafka-topics';
import { RecordConsumer, RecordHandler } from './record-consumer';
import { SubscriberRecords } from './subscriber-records';

/**
 * Events between processes over Kafka: the outbox publishes to one topic (binary CloudEvents, keyed by
 * subject); each subscribing module of this process reads it in its own consumer group `<prefix>.<module>`;
 * dead letters travel to the process running the deadletter module over a second topic. See ADR 0005.
 */
@Injectable()
export class KafkaTransport implements EventTransport {
  private readonly logger = new Logger('Kafka');
  private producer?: Producer;
  private publisher?: KafkaPublisher;
  private connected?: Promise<void>;
  private producerUp = false;
  private readonly consumers: RecordConsumer[] = [];

  constructor(
    @Inject(kafkaConfig.KEY) private readonly config: KafkaConfig,
    @Inject(eventsConfig.KEY) private readonly events: EventsConfig,
    private readonly registry: SubscriptionRegistry,
    private readonly router: EventRouter,
    private readonly moduleRef: ModuleRef,
    @Inject(EVENT_CATALOG) private readonly catalog: EventCatalog,
  ) {}

  readonly remoteDeadLetters: DeadLetterSink = {
    accept: (letter: DeadLetter) => this.send(this.config.KAFKA_DEAD_LETTER_TOPIC, deadLetteredEvent(letter, this.destinationOf(letter.subscription))),
  };

  async publish(event: CloudEvent<unknown>): Promise<void> {
    await this.send(this.config.KAFKA_TOPIC, event);
  }

  /** Marks the event for one subscription: every group reads it, only that subscription's group handles it. */
  async replay(subscription: string, event: CloudEvent<unknown>): Promise<void> {
    if (subscription.startsWith('kafka:')) throw new NotReplayableError(`${subscription} is not a subscription: the record was unreadable, nothing can handle it again`);
    await this.send(this.config.KAFKA_TOPIC, markedForReplay(event.toJSON(), subscription));
  }

  async listen(): Promise<void> {
    const kafka = new Kafka({ clientId: this.config.KAFKA_CLIENT_ID, brokers: this.config.KAFKA_BROKERS!, logLevel: logLevel.WARN });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    this.producer.on(this.producer.events.CONNECT, () => (this.producerUp = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.producerUp = false));
    this.publisher = new KafkaPublisher(this.producer);
    this.connected = this.connect(kafka);
    await this.connected;
    for (const consumer of this.consumers) await consumer.start();
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.consumers.map((consumer) => consumer.stop()));
    await this.publisher?.flushed();
    await this.producer?.disconnect();
  }

  health(): { up: boolean; reason?: string } {
    if (!this.producerUp) return { up: false, reason: 'producer not connected' };
    const waiting = this.consumers.filter((consumer) => !consumer.ready).map((consumer) => consumer.groupId);
    return waiting.length ? { up: false, reason: `not in their consumer groups yet: ${waiting.join(', ')}` } : { up: true };
  }

  private async connect(kafka: Kafka): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, [this.config.KAFKA_TOPIC, this.config.KAFKA_DEAD_LETTER_TOPIC], this.config.KAFKA_TOPIC_PARTITIONS);
    } finally {
      await admin.disconnect();
    }
    await this.producer!.connect();
    for (const [module, subscriptions] of this.subscriptionsByModule()) {
      this.consumers.push(
        this.consumer(kafka, this.groupOfModule(module), this.config.KAFKA_TOPIC, new SubscriberRecords(subscriptions, this.router, this.config.KAFKA_TOPIC, this.events.EVENT_TYPE_PREFIX, this.catalog).handle),
      );
    }
    const sink = localDeadLetterSink(this.moduleRef);
    if (sink) this.consumers.push(this.consumer(kafka, this.groupOfModule('deadletter'), this.config.KAFKA_DEAD_LETTER_TOPIC, new DeadLetterIntake(sink).handle));
    this.logger.log(`connected; consumer groups: ${this.consumers.map((consumer) => consumer.groupId).join(', ') || 'none'}`);
  }

  private consumer(kafka: Kafka, groupId: string, topic: string, handle: RecordHandler): RecordConsumer {
    const settings = {
      groupId,
      topic,
      sessionTimeoutMs: durationMs(this.config.KAFKA_SESSION_TIMEOUT),
      heartbeatIntervalMs: durationMs(this.config.KAFKA_HEARTBEAT_INTERVAL),
      maxWaitMs: durationMs(this.config.KAFKA_MAX_WAIT),
      minBytes: this.config.KAFKA_MIN_BYTES,
    };
    return new RecordConsumer(kafka, settings, handle);
  }

  private async send(topic: string, event: CloudEvent<unknown> | Record<string, unknown>): Promise<void> {
    if (!this.connected || !this.publisher) throw new Error('the Kafka transport is not connected yet');
    await this.connected;
    await this.publisher.send(topic, toKafkaMessage(event as CloudEvent<unknown>));
  }

  private subscriptionsByModule(): Map<string, ReturnType<SubscriptionRegistry['all']>> {
    const byModule = new Map<string, ReturnType<SubscriptionRegistry['all']>>();
    for (const subscription of this.registry.all()) byModule.set(subscription.subscriber, [...(byModule.get(subscription.subscriber) ?? []), subscription]);
    return byModule;
  }

  /** The consumer group that failed a subscription; a letter of an unreadable record names the topic instead. */
  private destinationOf(subscription: string): string {
    const subscriber = this.registry.named(subscription)?.subscriber;
    return subscriber ? `kafka:${this.groupOfModule(subscriber)}` : subscription;
  }

  private groupOfModule(module: string): string {
    return `${this.config.KAFKA_GROUP_PREFIX}.${module}`;
  }
}
