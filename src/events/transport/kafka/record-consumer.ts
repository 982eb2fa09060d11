import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchProgress } from './batch-progress';

export interface ConsumerSettings {
  groupId: string;
  topic: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxWaitMs: number;
  partitionsConsumedConcurrently: number;
}

/** What a group does with one record; resolves once the record is settled (handled, skipped or dead-lettered). */
export type RecordHandler = (record: KafkaMessage, partition: number) => Promise<void>;

const RETRY_UNSETTLED_MS = 1_000;

/**
 * One consumer group on one topic. Records of one key are handled in order, records of different keys at
 * once; an offset is resolved for commit only when every record up to it is settled, so a commit never passes
 * a record still in flight. A record that could not be settled (its dead letter could not be stored, or the
 * process is stopping) is read again: the partition seeks back to it.
 */
export class RecordConsumer {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  private joined = false;

  constructor(kafka: Kafka, private readonly settings: ConsumerSettings, private readonly handle: RecordHandler) {
    this.logger = new Logger(`Kafka ${settings.groupId}`);
    this.consumer = kafka.consumer({
      groupId: settings.groupId,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      maxWaitTimeInMs: settings.maxWaitMs,
    });
    const { GROUP_JOIN, CRASH, DISCONNECT, STOP } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, () => (this.joined = true));
    for (const event of [CRASH, DISCONNECT, STOP]) this.consumer.on(event, () => (this.joined = false));
  }

  get groupId(): string {
    return this.settings.groupId;
  }

  /** Whether the consumer is a member of its group now (readiness). */
  get ready(): boolean {
    return this.joined;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    // A group's first start reads the topic from its beginning: events produced before it existed are its too.
    await this.consumer.subscribe({ topic: this.settings.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: true,
      autoCommitInterval: 1_000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
  }

  /** Stops fetching, lets the batches in flight finish, commits what they settled and leaves the group. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private async consumeBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const progress = new BatchProgress(batch.messages.map((message) => message.offset));
    // The group must not think this member dead while a handler waits out a long backoff.
    const beat = setInterval(() => void heartbeat().then(() => commitOffsetsIfNecessary()).catch(() => undefined), this.settings.heartbeatIntervalMs);
    try {
      const chains = new Map<string, Promise<boolean>>();
      const settled = batch.messages.map((message, index) => {
        const key = message.key?.toString() ?? `offset ${message.offset}`;
        const settledHere = (chains.get(key) ?? Promise.resolve(true)).then(async (previousSettled) => {
          // After an unsettled record its key waits, so one order's events are never handled out of order.
          if (!previousSettled || !isRunning() || isStale()) return false;
          const done = await this.settle(message, batch.partition);
          const upTo = done ? progress.finish(index) : undefined;
          if (upTo !== undefined) resolveOffset(upTo);
          return done;
        });
        chains.set(key, settledHere);
        return settledHere;
      });
      const first = (await Promise.all(settled)).indexOf(false);
      if (first >= 0 && isRunning() && !isStale()) await this.readAgainFrom(batch.topic, batch.partition, batch.messages[first].offset);
      await commitOffsetsIfNecessary();
    } finally {
      clearInterval(beat);
    }
  }

  private async settle(message: KafkaMessage, partition: number): Promise<boolean> {
    try {
      await this.handle(message, partition);
      return true;
    } catch (error) {
      this.logger.warn(`record ${partition}/${message.offset} not settled, it will be read again: ${(error as Error).message}`);
      return false;
    }
  }

  private async readAgainFrom(topic: string, partition: number, offset: string): Promise<void> {
    await sleep(RETRY_UNSETTLED_MS);
    this.consumer.seek({ topic, partition, offset });
  }
}
