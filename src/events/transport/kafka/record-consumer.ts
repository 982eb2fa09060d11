import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { PartitionProgress } from './partition-progress';

export interface ConsumerSettings {
  groupId: string;
  topic: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxWaitMs: number;
  minBytes: number;
}

/** What a group does with one record; resolves once the record is settled (handled, skipped or dead-lettered). */
export type RecordHandler = (record: KafkaMessage, partition: number) => Promise<void>;

const COMMIT_INTERVAL_MS = 1_000;
const READ_AGAIN_AFTER_MS = 1_000;
/** Records of one partition taken before its fetching pauses: bounds memory when a group is far behind. */
const MAX_PENDING_PER_PARTITION = 500;

/**
 * One consumer group on one topic. Fetching never waits for handling, so the consumer keeps heartbeating and
 * a record waiting out a backoff holds up only its own key (order): records of one key are handled in order,
 * of different keys at once. An offset is committed (every second, and on stop) only when every record
 * before it in its partition is settled. A record that cannot be settled (its dead letter could not be
 * stored) sends its partition back to it. After a rebalance, records still in flight finish uncommitted.
 */
export class RecordConsumer {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  private readonly partitions = new Map<number, PartitionProgress>();
  /** Partitions sent back to an offset: batches fetched before the seek are passed over. */
  private readonly readingAgainFrom = new Map<number, bigint>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private committer?: NodeJS.Timeout;
  private committing?: Promise<void>;
  private joined = false;
  private stopping = false;

  constructor(
    kafka: Kafka,
    private readonly settings: ConsumerSettings,
    private readonly handle: RecordHandler,
  ) {
    this.logger = new Logger(`Kafka ${settings.groupId}`);
    this.consumer = kafka.consumer({
      groupId: settings.groupId,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      maxWaitTimeInMs: settings.maxWaitMs,
      minBytes: settings.minBytes,
    });
    const { GROUP_JOIN, CRASH, DISCONNECT, STOP } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, () => {
      this.forgetPartitions();
      this.joined = true;
    });
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
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.take(payload) });
    this.committer = setInterval(() => void this.commit(), COMMIT_INTERVAL_MS);
    this.committer.unref();
  }

  /** Stops fetching, lets the records in flight finish, commits what they settled and leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.committer);
    this.consumer.pause([{ topic: this.settings.topic }]);
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await this.commit();
    await this.consumer.disconnect();
  }

  /** Takes a fetched batch into its partition's progress and returns at once, so the next fetch is not held up. */
  private async take({ batch, pause, resolveOffset }: EachBatchPayload): Promise<void> {
    const { partition, messages } = batch;
    if (this.stopping || messages.length === 0 || this.stale(partition, BigInt(messages[0].offset))) return;
    let progress = this.partitions.get(partition);
    if (!progress) this.partitions.set(partition, (progress = new PartitionProgress()));
    for (const message of messages) {
      const key = message.key?.toString() ?? `offset ${message.offset}`;
      this.track(progress.add(key, message.offset, (previousSettled) => this.settle(progress, message, partition, previousSettled)));
    }
    // Moves kafkajs' fetch position only; offsets are committed by `commit`, from the records that settled.
    resolveOffset(batch.lastOffset());
    if (progress.pending >= MAX_PENDING_PER_PARTITION) void progress.drained(MAX_PENDING_PER_PARTITION / 2).then(pause());
  }

  /** Whether a batch was fetched before its partition was sent back to an earlier offset. */
  private stale(partition: number, firstOffset: bigint): boolean {
    const from = this.readingAgainFrom.get(partition);
    if (from === undefined) return false;
    if (firstOffset > from) return true;
    this.readingAgainFrom.delete(partition);
    return false;
  }

  private async settle(progress: PartitionProgress, message: KafkaMessage, partition: number, previousSettled: boolean): Promise<boolean> {
    // After an unsettled record its key waits, so one order's events are never handled out of order.
    if (!previousSettled || this.stopping || this.partitions.get(partition) !== progress) return false;
    try {
      await this.handle(message, partition);
      return true;
    } catch (error) {
      if (this.stopping) return false;
      this.logger.warn(`record ${partition}/${message.offset} not settled, reading the partition again from it: ${(error as Error).message}`);
      void this.readAgainFrom(progress, partition, message.offset);
      return false;
    }
  }

  private async readAgainFrom(progress: PartitionProgress, partition: number, offset: string): Promise<void> {
    if (this.partitions.get(partition) !== progress) return;
    this.partitions.delete(partition);
    this.readingAgainFrom.set(partition, BigInt(offset));
    progress.release();
    const topicPartition = [{ topic: this.settings.topic, partitions: [partition] }];
    this.consumer.pause(topicPartition);
    this.consumer.seek({ topic: this.settings.topic, partition, offset });
    // A pause before reading again, so a dead-letter sink that is down is not hammered.
    await sleep(READ_AGAIN_AFTER_MS);
    if (!this.stopping) this.consumer.resume(topicPartition);
  }

  /** A new generation: partitions may belong to other members now, and fetching restarts from the commits. */
  private forgetPartitions(): void {
    this.partitions.forEach((progress) => progress.release());
    this.partitions.clear();
    this.readingAgainFrom.clear();
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** One commit at a time: during a rebalance kafkajs retries a commit for a while. */
  private async commit(): Promise<void> {
    while (this.committing) await this.committing;
    this.committing = this.commitSettled().finally(() => (this.committing = undefined));
    await this.committing;
  }

  private async commitSettled(): Promise<void> {
    const due = [...this.partitions].flatMap(([partition, progress]) => {
      const offset = progress.toCommit();
      return offset === undefined ? [] : [{ partition, progress, offset }];
    });
    if (due.length === 0) return;
    try {
      await this.consumer.commitOffsets(due.map(({ partition, offset }) => ({ topic: this.settings.topic, partition, offset })));
      due.forEach(({ progress, offset }) => progress.markCommitted(offset));
    } catch (error) {
      this.logger.warn(`committing offsets failed, retrying with the next commit: ${(error as Error).message}`);
    }
  }
}
