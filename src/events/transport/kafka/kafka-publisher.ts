import type { Message, Producer } from 'kafkajs';

interface Pending {
  topic: string;
  message: Message;
  acknowledged(): void;
  failed(error: unknown): void;
}

const MAX_BATCH = 500;

/**
 * Sends records through one idempotent producer, acks from every in-sync replica (`acks: -1`). Records that
 * arrive while a send is under way leave together in the next one: one round trip for many outbox events,
 * and sends never overlap, which keeps the idempotent producer's ordering per partition.
 */
export class KafkaPublisher {
  private readonly queue: Pending[] = [];
  private sending?: Promise<void>;

  constructor(private readonly producer: Producer) {}

  /** Resolves once the broker acknowledged the record. */
  send(topic: string, message: Message): Promise<void> {
    return new Promise<void>((acknowledged, failed) => {
      this.queue.push({ topic, message, acknowledged, failed });
      this.sending ??= this.drain();
    });
  }

  /** Resolves when every record handed to `send` so far was acknowledged or failed. */
  async flushed(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async drain(): Promise<void> {
    await new Promise<void>((tick) => setImmediate(tick));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      const topics = [...new Set(batch.map((pending) => pending.topic))];
      try {
        await this.producer.sendBatch({ acks: -1, topicMessages: topics.map((topic) => ({ topic, messages: batch.filter((pending) => pending.topic === topic).map((pending) => pending.message) })) });
        batch.forEach((pending) => pending.acknowledged());
      } catch (error) {
        batch.forEach((pending) => pending.failed(error));
      }
    }
    this.sending = undefined;
  }
}
