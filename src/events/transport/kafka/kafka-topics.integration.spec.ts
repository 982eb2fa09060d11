import { randomBytes } from 'node:crypto';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { KafkaBroker, startKafkaBroker } from '../../../../test/support/kafka/kafka-broker';
import { ensureTopics } from './kafka-topics';

/** librdkafka's mock has no CreateTopics and auto-creates a topic a client names with this many partitions. */
const MOCK_AUTO_CREATED_PARTITIONS = 4;

describe('ensureTopics on the test broker (a real one when KAFKA_BROKERS is set)', () => {
  const run = randomBytes(4).toString('hex');
  const existing = `existing-${run}`;
  let broker: KafkaBroker;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startKafkaBroker({ topics: [{ name: existing, partitions: 2 }] });
    admin = new Kafka({ clientId: 'kafka-topics-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
    await broker?.stop();
  });

  async function partitionsOf(topic: string): Promise<number> {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0].partitions.length;
  }

  it('creates the missing topics, with the partitions asked for where the broker creates topics, and leaves existing ones alone', async () => {
    const missing = [`events-${run}`, `dead-letters-${run}`];

    await ensureTopics(admin, [existing, ...missing], 3);

    expect(await admin.listTopics()).toEqual(expect.arrayContaining([existing, ...missing]));
    // A real broker honours CreateTopics; on the mock the fallback (metadata auto-creation) made them.
    const created = process.env.KAFKA_BROKERS ? 3 : MOCK_AUTO_CREATED_PARTITIONS;
    expect(await Promise.all(missing.map(partitionsOf))).toEqual([created, created]);
    expect(await partitionsOf(existing)).toBe(2);
  });
});
