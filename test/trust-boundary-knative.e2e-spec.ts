import { randomUUID } from 'node:crypto';
import { request } from './scenarios/chain.scenarios';
import { placePaidOrder, postEvent, PRODUCER, PUBLISHER, stateOfOrder, TYPE } from './scenarios/forgeries.scenarios';
import { eventually } from './support/eventually';
import { deployedNamespace, triggerIdentity } from './support/split/broker-double';
import { SplitTopology, startSplitTopology } from './support/split/split-topology';
import { TokenOptions } from './support/token-issuer';

/**
 * Issue 16 with the five bundles behind the Broker double, sender authentication on as the manifests ship it:
 * every forged attempt at each bundle's own POST / (and at the dead-letter intake) is refused with its status
 * and code, and nothing changes; the dead-letter intake stores only letters whose subscription exists and
 * consumes their type, and a replay reaches that one subscription.
 */

const NAMESPACE = deployedNamespace();
const BROKER_CHALLENGE = 'Bearer realm="knative-broker"';
const UNAUTHENTICATED = { status: 401, challenge: BROKER_CHALLENGE, code: 'EVENT_SENDER_UNAUTHENTICATED' };
const FORBIDDEN = { status: 403, challenge: null, code: 'EVENT_SENDER_FORBIDDEN' };

/** One Trigger delivering to each Service: whose identity a real delivery there carries. */
const TRIGGER_OF: Record<string, string> = {
  orders: 'orders-settle-when-payment-result',
  inventory: 'inventory-settle-reservation-when-payment-result',
  payment: 'payment-take-payment-when-payment-requested',
  notification: 'notification-notify-when-payment-result',
  deadletter: 'orders-settle-when-payment-result',
};

/** What a forger would post to each Service's POST /: an internal event it consumes, about a paid order. */
const FORGED: Record<string, { type: string; data: (order: { orderId: string; userId: string }) => unknown }> = {
  orders: { type: 'payment.request', data: ({ orderId, userId }) => ({ orderId, userId, amount: '0.01', currency: 'USD', method: 'card' }) },
  inventory: { type: 'payment.result', data: ({ orderId, userId }) => ({ orderId, userId, status: 'failed', amount: '267.00', reason: 'forged' }) },
  payment: { type: 'payment.request', data: ({ orderId, userId }) => ({ orderId, userId, amount: '0.01', currency: 'USD', method: 'card' }) },
  notification: { type: 'payment.result', data: ({ orderId, userId }) => ({ orderId, userId, status: 'failed', amount: '267.00', reason: 'Click https://phish.example to pay again' }) },
  deadletter: { type: 'payment.result', data: ({ orderId, userId }) => ({ orderId, userId, status: 'failed', amount: '267.00', reason: 'forged' }) },
};

describe('the five Knative Services behind the Broker double, with sender authentication', () => {
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

  const bearer = async (subject: string, audience: string, options?: TokenOptions) => ({ authorization: `Bearer ${await topology.issuer.sign(subject, audience, options)}` });

  /** Every credential a forger could present to `service`, and what it must be answered with. */
  const forgeries = (service: string): Array<[string, () => Promise<Record<string, string>>, object]> => {
    const trigger = triggerIdentity(TRIGGER_OF[service], NAMESPACE);
    const other = service === 'payment' ? 'inventory' : 'payment';
    return [
      ['no token', async () => ({}), UNAUTHENTICATED],
      ['the external ingress token', async () => PRODUCER, UNAUTHENTICATED],
      ["a Trigger's token for another Service", () => bearer(triggerIdentity(TRIGGER_OF[other], NAMESPACE), other), UNAUTHENTICATED],
      ['an expired token', () => bearer(trigger, service, { expiresIn: -120 }), UNAUTHENTICATED],
      ['a token of another issuer', () => bearer(trigger, service, { issuer: 'https://kubernetes.example' }), UNAUTHENTICATED],
      ['a token signed with an unknown key', () => bearer(trigger, service, { unknownKey: true }), UNAUTHENTICATED],
      ['an unsigned token (alg: none)', async () => ({ authorization: `Bearer ${topology.issuer.unsigned(trigger, service)}` }), UNAUTHENTICATED],
      ["another namespace's workload with a token for this Service", () => bearer('system:serviceaccount:other-team:default', service), FORBIDDEN],
      ...(service === 'deadletter'
        ? []
        : ([['a workload of the namespace, not the Broker, with a token for this Service', () => bearer(`system:serviceaccount:${NAMESPACE}:default`, service), FORBIDDEN]] as Array<
            [string, () => Promise<Record<string, string>>, object]
          >)),
    ];
  };

  it.each(['orders', 'inventory', 'payment', 'notification', 'deadletter'])("refuses every forged sender at the %s Service's POST /, and changes nothing", async (service) => {
    const order = await placePaidOrder(topology.url, topology.db);
    const before = await stateOfOrder(topology.db, order.orderId, order.sku, order.userId);
    const { type, data } = FORGED[service];

    for (const [what, credentials, refusal] of forgeries(service)) {
      const answer = await postEvent(`${topology.processes[service as keyof SplitTopology['processes']].url}/`, { source: PUBLISHER[type], type: TYPE(type) }, data(order), await credentials());
      expect({ what, ...answer }).toEqual({ what, ...refusal });
    }

    expect(await stateOfOrder(topology.db, order.orderId, order.sku, order.userId)).toEqual(before);
    expect(before).toMatchObject({ stock: [{ available: 47 }], reservations: [{ status: 'sold' }], orders: [{ status: 'paid', total_minor: '26700' }] });
  });

  const intake = (subscription: string, event: { id: string; type: string; data: unknown }, headers: Record<string, string>) =>
    postEvent(`${topology.processes.deadletter.url}/dead-letters/intake?subscription=${subscription}`, { id: event.id, source: 'inventory', type: TYPE(event.type) }, event.data, {
      'ce-knativeerrorcode': '500',
      ...headers,
    });
  const lettersOf = (eventId: string) => topology.db.query('SELECT subscription, status FROM deadletter.events WHERE event_id = $1', [eventId]);
  const deadLetterToken = (subscription: string) => bearer(triggerIdentity(subscription, NAMESPACE), 'deadletter');
  const paymentRequest = (orderId: string) => ({ id: randomUUID(), type: 'payment.request', data: { orderId, userId: 'dead-letters', amount: '12.34', currency: 'USD', method: 'card' } });

  it("refuses a dead letter from anyone but the Broker's dead-letter delivery, and stores nothing", async () => {
    const event = paymentRequest(randomUUID());
    const subscription = 'payment-take-payment-when-payment-requested';

    for (const [what, credentials, refusal] of [
      ['no token', async () => ({}), UNAUTHENTICATED],
      ['the ingress token', async () => PRODUCER, UNAUTHENTICATED],
      ["the Trigger's token for its subscriber, not for the dead-letter sink", () => bearer(triggerIdentity(subscription, NAMESPACE), 'payment'), UNAUTHENTICATED],
      ['an expired dead-letter token', () => bearer(triggerIdentity(subscription, NAMESPACE), 'deadletter', { expiresIn: -120 }), UNAUTHENTICATED],
      ["another namespace's workload", () => bearer('system:serviceaccount:other-team:default', 'deadletter'), FORBIDDEN],
    ] as Array<[string, () => Promise<Record<string, string>>, object]>) {
      expect({ what, ...(await intake(subscription, event, await credentials())) }).toEqual({ what, ...refusal });
    }

    expect(await lettersOf(event.id)).toEqual([]);
  });

  it.each([
    ['a subscription that does not exist', 'no-such-subscription'],
    ['a subscription that does not consume its type', 'orders-settle-when-payment-result'],
  ])('refuses a dead letter naming %s with 422 DEAD_LETTER_SUBSCRIPTION_MISMATCH, and stores nothing', async (_what, subscription) => {
    const event = paymentRequest(randomUUID());

    expect(await intake(subscription, event, await deadLetterToken('orders-mark-reserved-when-payment-requested'))).toEqual({ status: 422, challenge: null, code: 'DEAD_LETTER_SUBSCRIPTION_MISMATCH' });

    expect(await lettersOf(event.id)).toEqual([]);
  });

  it('stores a dead letter of a subscription that consumes its type, and its replay is handled by that subscription alone', async () => {
    const orderId = randomUUID();
    await topology.db.query(`INSERT INTO orders.orders (id, user_id, status, items, currency, payment_method) VALUES ($1, 'dead-letters', 'pending', '[]', 'USD', 'card')`, [orderId]);
    const event = paymentRequest(orderId);
    const subscription = 'payment-take-payment-when-payment-requested';

    expect(await intake(subscription, event, await deadLetterToken(subscription))).toMatchObject({ status: 204 });
    const [letter] = await topology.db.query<{ id: string }>('SELECT id FROM deadletter.events WHERE event_id = $1', [event.id]);
    expect(await lettersOf(event.id)).toEqual([{ subscription, status: 'dead' }]);

    expect(await request(topology.url, 'POST', `/dead-letters/${letter.id}/replay`, undefined, { admin: true })).toMatchObject({ status: 200, body: { status: 'replayed' } });

    // Both Triggers of payment.request deliver the replay (as a Broker does); only the named subscription handles it.
    await eventually(() => expect(topology.broker.deliveredThrough('orders-mark-reserved-when-payment-requested', event.id)).toBe(1));
    await eventually(() => expect(topology.broker.deliveredThrough(subscription, event.id)).toBe(1));
    expect(await topology.db.query('SELECT subscription FROM events.inbox WHERE event_id = $1', [event.id])).toEqual([{ subscription }]);
    expect(await topology.db.query('SELECT amount_minor FROM payment.payments WHERE order_id = $1', [orderId])).toEqual([{ amount_minor: '1234' }]);
  });

  it('does not replay a letter stored before its subscription was checked, when the subscription does not consume its type', async () => {
    const event = paymentRequest(randomUUID());
    const [{ id }] = await topology.db.query<{ id: string }>(
      `INSERT INTO deadletter.events (subscription, event_id, event_source, event_type, event, attempts, error_code, error_message)
       VALUES ('notification-notify-when-payment-result', $1, 'inventory', $2, $3, 1, 'HTTP_500', 'planted') RETURNING id`,
      [event.id, TYPE(event.type), { specversion: '1.0', id: event.id, source: 'inventory', type: TYPE(event.type), data: event.data }],
    );

    expect(await request(topology.url, 'POST', `/dead-letters/${id}/replay`, undefined, { admin: true })).toMatchObject({ status: 422, body: { code: 'DEAD_LETTER_SUBSCRIPTION_MISMATCH' } });

    expect(await lettersOf(event.id)).toEqual([{ subscription: 'notification-notify-when-payment-result', status: 'dead' }]);
    expect(topology.broker.accepted.filter((accepted) => accepted.id === event.id)).toEqual([]);
  });
});
