import { CloudEvent, HTTP } from 'cloudevents';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { request } from './scenarios/chain.scenarios';
import { eventually } from './support/eventually';
import { BrokerDouble, generatedTriggers, passes } from './support/split/broker-double';
import { SplitTopology, startSplitTopology } from './support/split/split-topology';

/**
 * The five split Services behind a Broker double that routes by the generated Triggers: each event reaches
 * exactly the subscribers whose filters pass it, once; an event the subscribers refuse (4xx) goes to the
 * dead-letter sink the Trigger names, the deadletter intake, once per failed subscription; a replay sends it
 * back through the Broker.
 */

const POISONED = ['orders-mark-reserved-when-payment-requested', 'payment-take-payment-when-payment-requested'];

describe('the five Knative Services behind the Broker double', () => {
  let topology: SplitTopology;
  // Jest does not cancel a beforeAll past its timeout: afterAll waits for the start to settle, so what it
  // started is stopped too and nothing outlives the suite.
  let starting: Promise<SplitTopology> | undefined;

  beforeAll(async () => {
    topology = await (starting = startSplitTopology());
  }, 180_000);

  afterAll(async () => {
    await starting?.catch(() => undefined);
    await topology?.stop();
  });

  const deadLettersOf = async (eventId: string) => {
    const { status, body } = await request<{ items: Array<{ id: string; subscription: string; eventId: string; errorCode: string; errorMessage: string; status: string }> }>(
      topology.url,
      'GET',
      '/dead-letters',
      undefined,
      { admin: true },
    );
    expect(status).toBe(200);
    return body.items.filter((letter) => letter.eventId === eventId).sort((a, b) => a.subscription.localeCompare(b.subscription));
  };

  it('delivers each event of an order once to each Trigger whose filters pass it, and wakes no other', async () => {
    const placed = await request<{ orderId: string }>(topology.url, 'POST', '/orders', { userId: 'filtered', items: [{ sku: 'SKU-001', quantity: 1 }] });
    expect(placed.status).toBe(202);
    const { orderId } = placed.body;
    await eventually(async () => expect((await request(topology.url, 'GET', `/orders/${orderId}`)).body).toMatchObject({ status: 'paid' }));
    const events = () => topology.broker.accepted.filter((event) => event.subject === orderId);
    await eventually(() =>
      expect(
        events()
          .map((event) => event.type)
          .sort(),
      ).toEqual(['com.toolsku.notification.send', 'com.toolsku.order.created', 'com.toolsku.payment.request', 'com.toolsku.payment.result']),
    );

    const triggers = generatedTriggers();
    for (const event of events()) {
      expect(event.partitionkey).toBe(orderId);
      for (const trigger of triggers) {
        await eventually(() =>
          expect({ trigger: trigger.name, type: event.type, delivered: topology.broker.deliveredThrough(trigger.name, event.id) }).toEqual({
            trigger: trigger.name,
            type: event.type,
            delivered: passes(trigger, event) ? 1 : 0,
          }),
        );
      }
    }
    const woken = (trigger: string) => topology.broker.attempts.filter((attempt) => attempt.trigger === trigger && events().some((event) => event.id === attempt.eventId));
    // A notification on the log channel never wakes the webhook's subscription: its Trigger filters it out.
    expect(woken('notification-call-webhook-when-notification-send')).toEqual([]);
  });

  it('stores an event every subscriber refuses as one dead letter per Trigger, and replays it through the Broker', async () => {
    const poison = new CloudEvent({ id: randomUUID(), source: 'https://storefront.example', type: 'com.toolsku.payment.request', datacontenttype: 'application/json', data: { orderId: randomUUID() } });
    const message = HTTP.binary(poison);
    const accepted = await fetch(`${topology.url}/`, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
    expect(accepted.status).toBe(202);

    const letters = await eventually(async () => {
      const found = await deadLettersOf(poison.id);
      expect(found.map((letter) => letter.subscription)).toEqual(POISONED);
      return found;
    });
    for (const letter of letters) {
      expect(letter).toMatchObject({ errorCode: 'HTTP_400', status: 'dead' });
      expect(letter.errorMessage).toMatch(/breaks its schema/);
    }
    // A 4xx is not retried: one attempt per Trigger.
    expect(topology.broker.attempts.filter((attempt) => attempt.eventId === poison.id).map((attempt) => attempt.status)).toEqual([400, 400]);

    const replayed = await request(topology.url, 'POST', `/dead-letters/${letters[0].id}/replay`, undefined, { admin: true });
    expect(replayed).toMatchObject({ status: 200, body: { status: 'replayed' } });
    // Still poison: back through the Broker, refused again, dead-lettered again.
    await eventually(() => expect(topology.broker.attempts.filter((attempt) => attempt.eventId === poison.id)).toHaveLength(4));
    await eventually(async () => expect((await deadLettersOf(poison.id)).filter((letter) => letter.status === 'dead').map((letter) => letter.subscription)).toEqual(POISONED));
  });
});

describe('the Broker double', () => {
  it("gives up an attempt at the Trigger's delivery.timeout and retries it", async () => {
    let calls = 0;
    const subscriber = createServer((incoming, answer) => {
      calls++;
      incoming.resume();
      // The first attempt hangs past the timeout; the retry is answered at once.
      if (calls > 1) answer.writeHead(204).end();
    }).listen(0, '127.0.0.1');
    await once(subscriber, 'listening');
    const broker = new BrokerDouble([
      { name: 'slow', attributes: { type: 'com.example.slow' }, subscriber: 'slow', ordered: false, delivery: { retry: 1, backoffPolicy: 'linear', backoffDelay: 'PT0.01S', timeout: 'PT2S' } },
    ]);
    try {
      await broker.start();
      broker.serve('slow', `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/`);
      const message = HTTP.binary(new CloudEvent({ id: 'slow-1', source: 'test', type: 'com.example.slow', data: {} }));
      expect((await fetch(broker.url, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string })).status).toBe(202);
      await eventually(() => expect(broker.attempts.map((attempt) => attempt.status)).toEqual([0, 204]));
      expect(broker.deliveredThrough('slow', 'slow-1')).toBe(1);
    } finally {
      await broker.stop();
      subscriber.closeAllConnections();
      await new Promise((closed) => subscriber.close(closed));
    }
  });
});
