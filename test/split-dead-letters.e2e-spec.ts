import { CloudEvent, HTTP } from 'cloudevents';
import { randomUUID } from 'node:crypto';
import { request } from './scenarios/chain.scenarios';
import { eventually } from './support/eventually';
import { SplitTopology, startSplitTopology } from './support/split/split-topology';

/**
 * Dead letters across the split Services: an event the subscribers refuse (4xx) goes from the Broker to the
 * dead-letter sink the generated Trigger names, the deadletter intake, once per failed subscription; a replay
 * sends it back through the Broker.
 */

const POISONED = ['orders-mark-reserved-when-payment-requested', 'payment-take-payment-when-payment-requested'];

describe('dead letters across the five Knative Services', () => {
  let topology: SplitTopology;

  beforeAll(async () => {
    topology = await startSplitTopology();
  }, 180_000);

  afterAll(async () => {
    await topology?.stop();
  });

  const deadLettersOf = async (eventId: string) => {
    const { status, body } = await request<{ items: Array<{ id: string; subscription: string; eventId: string; errorCode: string; errorMessage: string; status: string }> }>(topology.url, 'GET', '/dead-letters', undefined, { admin: true });
    expect(status).toBe(200);
    return body.items.filter((letter) => letter.eventId === eventId).sort((a, b) => a.subscription.localeCompare(b.subscription));
  };

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
