import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Consumer, type IHeaders, type Producer } from 'kafkajs';
import { eventually } from '../eventually';
import { startKafkaBroker, type KafkaBroker } from './kafka-broker';

/** Unique per run, so the suite also runs against a shared real cluster (KAFKA_BROKERS). */
const run = randomBytes(4).toString('hex');
const topics = { delivery: `delivery-${run}`, commits: `commits-${run}`, resume: `resume-${run}`, fanOut: `fan-out-${run}`, behind: `behind-${run}`, waiting: `waiting-${run}`, minBytes: `min-bytes-${run}` };
const PARTITIONS = 3;

/**
 * sessionTimeout: when a member leaves, the mock holds the group open `sessionTimeout - 1 s` for members to rejoin,
 * and a new member's join completes only then (default 30 s); 6 s is the least a real broker accepts
 * (group.min.session.timeout.ms). heartbeatInterval must stay below a third of it. maxWaitTimeInMs: disconnect()
 * waits for the running fetch, which a broker with nothing new holds this long (default 5 s).
 */
const CONSUMER_SETTINGS = { sessionTimeout: 6_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 100 };
/** A group's first join takes 3 s on the mock (its fixed group.initial.rebalance.delay.ms), a rejoin about 5 s. */
const GROUP_JOIN_MS = 30_000;

interface Received {
  key: string;
  partition: number;
  headers: Record<string, string>;
}

describe('Kafka broker for tests', () => {
  let broker: KafkaBroker;
  let kafka: Kafka;
  let producer: Producer;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    broker = await startKafkaBroker({ topics: Object.values(topics).map((name) => ({ name, partitions: PARTITIONS })) });
    kafka = new Kafka({ clientId: 'kafka-broker-spec', brokers: broker.brokers, logLevel: logLevel.WARN });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    await producer?.disconnect();
    await broker?.stop();
  });

  /** Sends one CloudEvent-like message per key; the key picks the partition. */
  async function send(topic: string, keys: string[]): Promise<void> {
    const acks = await producer.send({
      topic,
      acks: -1,
      messages: keys.map((key) => ({
        key,
        value: JSON.stringify({ orderId: key }),
        headers: { ce_id: `id-${key}`, ce_type: 'order.created', 'content-type': 'application/json' },
      })),
    });
    expect(acks.every(({ errorCode }) => errorCode === 0)).toBe(true);
  }

  /** Joins `groupId` and records each message once its offset is committed, as the real transport will. */
  async function consume(groupId: string, topic: string): Promise<{ consumer: Consumer; received: Received[] }> {
    const consumer = kafka.consumer({ groupId, ...CONSUMER_SETTINGS });
    consumers.push(consumer);
    const received: Received[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        // The committed offset is the next one to read, not the one just handled.
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        received.push({ key: message.key!.toString(), partition, headers: text(message.headers) });
      },
    });
    return { consumer, received };
  }

  async function disconnect(consumer: Consumer): Promise<void> {
    await consumer.disconnect();
    consumers.splice(consumers.indexOf(consumer), 1);
  }

  it('delivers idempotently produced messages to a consumer group with keys and headers intact', async () => {
    const keys = Array.from({ length: 9 }, (_, i) => `order-${i + 1}`);
    await send(topics.delivery, keys);

    const { received } = await consume(`delivery-${run}`, topics.delivery);

    await eventually(() => expect(received.map(({ key }) => key).sort()).toEqual([...keys].sort()), { timeoutMs: GROUP_JOIN_MS });
    expect(new Set(received.map(({ partition }) => partition)).size).toBe(PARTITIONS);
    for (const { key, headers } of received) {
      expect(headers).toEqual({ ce_id: `id-${key}`, ce_type: 'order.created', 'content-type': 'application/json' });
    }
  });

  it('commits the offsets a consumer group handled', async () => {
    const keys = Array.from({ length: 6 }, (_, i) => `order-${i + 1}`);
    const groupId = `commits-${run}`;
    await send(topics.commits, keys);
    const { received } = await consume(groupId, topics.commits);
    await eventually(() => expect(received).toHaveLength(keys.length), { timeoutMs: GROUP_JOIN_MS });

    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topics.commits);
      expect(ends.map(({ offset }) => Number(offset)).reduce((sum, offset) => sum + offset)).toBe(keys.length);
      await eventually(async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topics.commits] });
        const byPartition = (offsets: { partition: number; offset: string }[]) => Object.fromEntries(offsets.map(({ partition, offset }) => [partition, offset]));
        expect(byPartition(committed.partitions)).toEqual(byPartition(ends));
      });
    } finally {
      await admin.disconnect();
    }
  });

  it('resumes a consumer group after the last committed offset', async () => {
    const groupId = `resume-${run}`;
    // Keys spread over all partitions, so the second batch follows the first on every partition.
    const handled = ['order-1', 'order-2', 'order-3', 'order-4', 'order-5', 'order-6'];
    const later = ['order-7', 'order-8', 'order-9', 'order-10', 'order-11', 'order-12'];
    await send(topics.resume, handled);
    const first = await consume(groupId, topics.resume);
    await eventually(() => expect(first.received).toHaveLength(handled.length), { timeoutMs: GROUP_JOIN_MS });
    await disconnect(first.consumer);

    await send(topics.resume, later);
    const second = await consume(groupId, topics.resume);

    // Partitions are read in order: had the group restarted from the beginning, `handled` would arrive first.
    await eventually(() => expect(second.received.map(({ key }) => key).sort()).toEqual([...later].sort()), { timeoutMs: GROUP_JOIN_MS });
    expect(new Set(second.received.map(({ partition }) => partition)).size).toBe(PARTITIONS);
  });

  it('answers a consumer that is behind with several producer requests in one fetch, in offset order', async () => {
    // One key, one partition, one record batch per request: the mock alone answers each fetch with one batch.
    for (let i = 0; i < 40; i++) await send(topics.behind, ['order-behind']);
    const consumer = kafka.consumer({ groupId: `behind-${run}`, ...CONSUMER_SETTINGS });
    consumers.push(consumer);
    const batches: string[][] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: topics.behind, fromBeginning: true });
    await consumer.run({ eachBatch: async ({ batch }) => void batches.push(batch.messages.map(({ offset }) => offset)) });

    await eventually(() => expect(batches.flat()).toHaveLength(40), { timeoutMs: GROUP_JOIN_MS });
    expect(batches.flat().map(Number)).toEqual(Array.from({ length: 40 }, (_, offset) => offset));
    expect(Math.max(...batches.map((offsets) => offsets.length))).toBeGreaterThan(1);
  });

  it('answers a waiting fetch when a record arrives, not when its MaxWait ends', async () => {
    // MaxWait far beyond the waits below: only a fetch answered on arrival delivers in time. The session
    // outlasts it, since a member's other responses queue behind its fetch on the connection, as on Kafka.
    const consumer = kafka.consumer({ groupId: `waiting-${run}`, sessionTimeout: 30_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 25_000 });
    const received: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: topics.waiting, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.key!.toString()) });
    await send(topics.waiting, ['order-1']);
    await eventually(() => expect(received).toEqual(['order-1']), { timeoutMs: GROUP_JOIN_MS });

    // The consumer fetches again as soon as it has handled order-1, and that fetch now waits.
    await send(topics.waiting, ['order-2']);

    await eventually(() => expect(received).toEqual(['order-1', 'order-2']), { timeoutMs: 10_000 });
    // disconnect() waits for the fetch in flight, which a record ends at once.
    const disconnected = consumer.disconnect();
    await send(topics.waiting, ['order-3']);
    await disconnected;
  });

  it('holds a fetch until MinBytes of records have arrived, and answers with fewer when its MaxWait ends', async () => {
    // One key, one partition, one ~480-byte batch per request: two fall short of MinBytes, three reach it.
    const consumer = kafka.consumer({ groupId: `min-bytes-${run}`, sessionTimeout: 30_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 5_000, minBytes: 1_000 });
    consumers.push(consumer);
    const batches: number[][] = [];
    let fetching = false;
    consumer.on(consumer.events.FETCH_START, () => (fetching = true));
    await consumer.connect();
    await consumer.subscribe({ topic: topics.minBytes, fromBeginning: true });
    await consumer.run({ eachBatch: async ({ batch }) => void batches.push(batch.messages.map(({ offset }) => Number(offset))) });
    await eventually(() => expect(fetching).toBe(true), { timeoutMs: GROUP_JOIN_MS });
    const sendOne = () => producer.send({ topic: topics.minBytes, acks: -1, messages: [{ key: 'order-min', value: 'x'.repeat(400) }] });

    for (let i = 0; i < 20; i++) await sendOne();
    await eventually(() => expect(batches.flat()).toEqual(Array.from({ length: 20 }, (_, offset) => offset)), { timeoutMs: 10_000 });
    // The last batch may be one that MaxWait ended.
    const answeredOnMinBytes = batches.slice(0, -1).map((offsets) => offsets.length);
    expect(answeredOnMinBytes.length).toBeGreaterThan(0);
    expect(Math.min(...answeredOnMinBytes)).toBeGreaterThanOrEqual(3);

    await sendOne();
    await eventually(() => expect(batches.at(-1)).toEqual([20]), { timeoutMs: 10_000 });
  });

  it('delivers every message to each consumer group', async () => {
    const keys = Array.from({ length: 6 }, (_, i) => `order-${i + 1}`);
    await send(topics.fanOut, keys);

    const [billing, shipping] = await Promise.all([consume(`billing-${run}`, topics.fanOut), consume(`shipping-${run}`, topics.fanOut)]);

    await eventually(
      () => {
        expect(billing.received.map(({ key }) => key).sort()).toEqual([...keys].sort());
        expect(shipping.received.map(({ key }) => key).sort()).toEqual([...keys].sort());
      },
      { timeoutMs: GROUP_JOIN_MS },
    );
  });
});

function text(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}
