import { Kafka, logLevel, Message, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { request } from './scenarios/chain.scenarios';
import { eventually } from './support/eventually';
import { SplitTopology, startKafkaTopology } from './support/kafka/split-topology';
import { PAYMENT_RESULT_SUBSCRIPTIONS, publishPoisonPaymentResult } from './support/poison-event';

/**
 * What only a split topology can show: events from other Kafka clients, records that are no event,
 * dead letters and replay across processes, and a clean stop. Killed processes: test/process-kills.e2e-spec.ts.
 */
describe('five module processes over Kafka', () => {
  let topology: SplitTopology;
  // Jest does not cancel a beforeAll past its timeout: afterAll waits for the start to settle, so what it
  // started is stopped too and nothing outlives the suite.
  let starting: Promise<SplitTopology> | undefined;
  let outsider: Producer;

  beforeAll(async () => {
    topology = await (starting = startKafkaTopology());
    // Another client on the same broker, with kafkajs defaults: not the app's producer.
    outsider = new Kafka({ clientId: 'storefront', brokers: topology.env.KAFKA_BROKERS.split(','), logLevel: logLevel.ERROR }).producer();
    await outsider.connect();
  }, 180_000);

  afterAll(async () => {
    await starting?.catch(() => undefined);
    await outsider?.disconnect();
    await topology?.stop();
  });

  const http = (method: string, path: string, body?: unknown, admin = false) => request(topology.url, method, path, body, { admin });

  async function freshSku(available: number, price = '2.50'): Promise<string> {
    const sku = `T-kafka-${randomUUID().slice(0, 8)}`;
    expect((await http('PUT', `/inventory/${sku}`, { name: 'Kafka test item', price, available }, true)).status).toBe(200);
    return sku;
  }

  function orderCreated(orderId: string, sku: string, quantity: number): Record<string, unknown> {
    return { orderId, userId: `kafka-${orderId.slice(0, 8)}`, items: [{ sku, name: 'Kafka test item', quantity, price: 2.5 }], total: 2.5 * quantity, status: 'pending', createdAt: new Date().toISOString() };
  }

  function binaryHeaders(type: string): Record<string, string> {
    return { ce_specversion: '1.0', ce_id: randomUUID(), ce_source: 'https://storefront.example/orders', ce_type: type, 'content-type': 'application/json' };
  }

  async function statusOf(orderId: string): Promise<string> {
    const { status, body } = await http('GET', `/orders/${orderId}`);
    expect(status).toBe(200);
    return body.status;
  }

  async function deadLetters(where: (letter: any) => boolean): Promise<any[]> {
    const { status, body } = await http('GET', '/dead-letters', undefined, true);
    expect(status).toBe(200);
    return (body.items as any[]).filter(where);
  }

  it('starts the chain from an order.created another Kafka client produced in the CloudEvents binary binding', async () => {
    const sku = await freshSku(10);
    const orderId = randomUUID();

    await outsider.send({ topic: topology.env.KAFKA_TOPIC, messages: [{ key: orderId, value: JSON.stringify(orderCreated(orderId, sku, 2)), headers: binaryHeaders('com.toolsku.order.created') }] });

    await eventually(async () => expect(await statusOf(orderId)).toBe('paid'), { timeoutMs: 30_000 });
    expect((await http('GET', `/inventory/${sku}`)).body.available).toBe(8);
  });

  /**
   * Sends `records` on one order's key, then a good order.created on the same key (one partition: it is read only
   * after them), waits until that order is paid (the partition moved on) and returns the dead letters about the
   * order or about the events `ids` (another client's events name no subject: they are found by their id).
   */
  async function lettersBeforeAPaidOrder(records: (orderId: string) => Message[], ids: string[], count: number): Promise<any[]> {
    const sku = await freshSku(10);
    const orderId = randomUUID();
    const good = { value: JSON.stringify(orderCreated(orderId, sku, 1)), headers: binaryHeaders('com.toolsku.order.created') };
    await outsider.send({ topic: topology.env.KAFKA_TOPIC, messages: [...records(orderId), good].map((message) => ({ key: orderId, ...message })) });

    await eventually(async () => expect(await statusOf(orderId)).toBe('paid'), { timeoutMs: 30_000 });
    return eventually(async () => {
      const found = await deadLetters((letter) => letter.subject === orderId || ids.includes(letter.eventId));
      expect(found).toHaveLength(count);
      return found;
    });
  }

  it('dead-letters records that are no catalog event, saying why, and goes on with the partition', async () => {
    const unknown = binaryHeaders('com.toolsku.order.teleported');
    // Every group read the three records; each is one dead letter, filed under the topic, with its reason.
    const letters = await lettersBeforeAPaidOrder(
      (orderId) => [
        { value: JSON.stringify({ orderId }), headers: { 'content-type': 'application/json' } },
        { value: '{"orderId": ', headers: binaryHeaders('com.toolsku.order.created') },
        { value: JSON.stringify({ orderId }), headers: unknown },
      ],
      [unknown.ce_id],
      3,
    );
    const byReason = letters.map(({ subscription, errorCode, eventType, errorMessage }) => ({ subscription, errorCode, eventType, errorMessage }));
    const subscription = `kafka:${topology.env.KAFKA_TOPIC}`;
    expect(byReason).toEqual(
      expect.arrayContaining([
        { subscription, errorCode: 'EVENT_RECORD_UNREADABLE', eventType: 'com.toolsku.unreadable-record', errorMessage: `delivery to ${subscription} failed: no CloudEvent in the record: no ce_ headers` },
        { subscription, errorCode: 'EVENT_RECORD_UNREADABLE', eventType: 'com.toolsku.order.created', errorMessage: expect.stringContaining('not a valid CloudEvent') },
        { subscription, errorCode: 'EVENT_TYPE_UNKNOWN', eventType: 'com.toolsku.order.teleported', errorMessage: expect.stringContaining('not in the catalog') },
      ]),
    );
    expect(letters.find((letter) => letter.errorCode === 'EVENT_TYPE_UNKNOWN').eventId).toBe(unknown.ce_id);
  });

  it('stores the dead letter of a record Postgres cannot store as is (a NUL), encoded with the reason, and goes on with the partition', async () => {
    const teleported = binaryHeaders('com.toolsku.order.teleported');
    const letters = await lettersBeforeAPaidOrder(
      (orderId) => [
        { value: Buffer.from(`{"orderId":"${orderId}"}\u0000tail`), headers: { 'content-type': 'application/json' } },
        { value: JSON.stringify({ orderId, note: 'a\u0000b' }), headers: teleported },
      ],
      [teleported.ce_id],
      2,
    );
    for (const letter of letters) {
      expect(letter.errorMessage).toContain('stored base64-encoded');
      expect(letter.event.datacontenttype).toBe('application/cloudevents+json');
    }
    const original = JSON.parse(Buffer.from(letters.find((letter) => letter.eventId === teleported.ce_id).event.data_base64, 'base64').toString('utf8'));
    expect(original).toMatchObject({ id: teleported.ce_id, type: 'com.toolsku.order.teleported', data: { note: 'a\u0000b' } });
  });

  it('stores the dead letters of subscriptions in other processes, and replays one to its own subscription only', async () => {
    const { eventId } = await publishPoisonPaymentResult(topology.db);

    const letters = await eventually(
      async () => {
        const found = await deadLetters((letter) => letter.eventId === eventId);
        expect(found.map((letter) => letter.subscription).sort()).toEqual(PAYMENT_RESULT_SUBSCRIPTIONS);
        return found;
      },
      { timeoutMs: 30_000 },
    );
    expect(letters.every((letter) => letter.errorCode === 'EVENT_MALFORMED' && letter.attempts === 1)).toBe(true);
    const settle = letters.find((letter) => letter.subscription === 'orders-settle-when-payment-result');

    const replayed = await http('POST', `/dead-letters/${settle.id}/replay`, undefined, true);
    expect(replayed).toMatchObject({ status: 200, body: { id: settle.id, status: 'replayed' } });

    // Still poison: the orders process dead-letters it again, and no other subscription sees it.
    const again = await eventually(
      async () => {
        const found = await deadLetters((letter) => letter.eventId === eventId && letter.status === 'dead' && letter.id !== settle.id && letter.subscription === settle.subscription);
        expect(found).toHaveLength(1);
        return found[0];
      },
      { timeoutMs: 30_000 },
    );
    expect(again).toMatchObject({ errorCode: 'EVENT_MALFORMED', eventType: 'com.toolsku.payment.result' });
    expect((await deadLetters((letter) => letter.eventId === eventId)).map((letter) => letter.subscription).sort()).toEqual([...PAYMENT_RESULT_SUBSCRIPTIONS, settle.subscription].sort());
  });

  it('commits on SIGTERM what it handled since the last periodic commit, so the restarted process handles nothing again', async () => {
    const sku = await freshSku(10);
    const topic = topology.env.KAFKA_TOPIC;
    const groupId = `${topology.env.KAFKA_GROUP_PREFIX}.notification`;
    const admin = new Kafka({ clientId: 'offsets-reader', brokers: topology.env.KAFKA_BROKERS.split(','), logLevel: logLevel.ERROR }).admin();
    await admin.connect();
    // Next offset to read per partition: what the group committed, and the end of the log (-1: nothing committed).
    const committed = async () => new Map((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.map(({ partition, offset }) => [partition, Math.max(0, Number(offset))]));
    const ends = async () => new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, Number(high)]));
    const notified = async (orderId: string) =>
      eventually(async () => expect(await topology.db.query('SELECT id FROM notification.notifications WHERE order_id = $1', [orderId])).toHaveLength(1), { timeoutMs: 30_000, intervalMs: 10 });
    const place = async (userId: string) => (await http('POST', '/orders', { userId, items: [{ sku, quantity: 1 }] })).body.orderId as string;
    try {
      // Quiet first, every record read and committed: an event an earlier test's killed process re-publishes after
      // its lease would be a duplicate for a reason other than offsets.
      await eventually(async () => expect(await topology.db.query('SELECT id FROM events.outbox WHERE dispatched_at IS NULL')).toEqual([]), { timeoutMs: 60_000 });
      await eventually(async () => expect(await committed()).toEqual(await ends()), { timeoutMs: 30_000 });

      // An order's events share a partition: order.created, payment.request, then the payment.result notification
      // handles. SIGTERM must land before the periodic commit (each second) took that one: if a try was too slow, another.
      let partition = -1;
      let handled = 0;
      for (let tries = 1; ; tries++) {
        const start = await ends();
        await notified(await place(`sigterm-${tries}`));
        const before = await committed();
        partition = [...(await ends())].find(([index, end]) => end > start.get(index)!)![0];
        handled = start.get(partition)! + 3;
        if (before.get(partition)! < handled) break;
        if (tries === 5) throw new Error('the periodic commit took the handled record before every SIGTERM');
      }

      // Nest re-raises the signal after a clean shutdown; a failed one would exit with code 1.
      expect(await topology.processes.notification.kill('SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });
      expect((await committed()).get(partition)).toBeGreaterThanOrEqual(handled);
    } finally {
      await admin.disconnect();
    }

    await topology.restart('notification');
    await notified(await place('sigterm-after'));
    // A fresh process counts from zero: had offsets been lost, it would have read earlier records again.
    const metrics = await (await fetch(`${topology.processes.notification.url}/metrics`)).text();
    const delivered = metrics.split('\n').filter((line) => line.startsWith('events_delivered_total{'));
    expect(delivered.filter((line) => /outcome="duplicate"/.test(line) && !line.endsWith(' 0'))).toEqual([]);
    expect(delivered.filter((line) => /outcome="handled"/.test(line) && !line.endsWith(' 0'))).toEqual([expect.stringMatching(/subscription="notification-notify-when-payment-result".* 1$/)]);
  }, 120_000);
});
