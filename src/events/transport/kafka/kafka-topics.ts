import { Logger } from '@nestjs/common';
import type { Admin } from 'kafkajs';

const logger = new Logger('Kafka topics');

/**
 * Creates the topics that are missing, with `partitions` each. A broker without CreateTopics (librdkafka's
 * mock, a cluster that forbids it) gets them through metadata auto-creation instead, with its own partition count.
 */
export async function ensureTopics(admin: Admin, topics: string[], partitions: number): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length === 0) return;
  try {
    await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: partitions })), waitForLeaders: true });
  } catch (error) {
    logger.warn(`creating ${missing.join(', ')} failed (${(error as Error).message}); relying on auto-creation`);
    await admin.fetchTopicMetadata({ topics: missing });
  }
}
