import { Kafka, logLevel } from 'kafkajs';
import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from './scenarios/chain.scenarios';
import { eventually } from './support/eventually';
import { duplicateDeliveries, expectChainSettled, ordersOn } from './support/faults/chain-invariants';
import { crashAt, exited } from './support/faults/crash-hook';
import { SplitModule, SplitTopology, startKafkaTopology } from './support/kafka/split-topology';
import { AppProcess } from './support/test-app';

/**
 * One process per module over Kafka, each killed with SIGKILL while orders come in and events flow, again and
 * again; the payment process killed on purpose between the broker's ack and the outbox mark; a consumer group
 * rebalanced twice while records flow. Whatever was
 * accepted must finish, once, with the stock and the compensations adding up, and the inbox must be seen
 * turning redeliveries away.
 */

/** Per-attempt log lines (they name the outcome); a short lease, so rows a dead process claimed are taken over soon. */
const ENV = { LOG_LEVEL: 'info', EVENTS_OUTBOX_LEASE: 'PT2S' };
const VICTIMS: SplitModule[] = ['orders', 'inventory', 'payment', 'notification'];
const WAVE = 12;
const RESERVE = 'inventory-reserve-stock-when-order-created';
/** What kafkajs logs when the broker refuses a member's heartbeat, fetch or commit for a generation that ended. */
const STALE_MEMBER = /not aware of this member|group is rebalancing, re-joining|generation id is not valid/;

describe('module processes over Kafka killed at random and at their worst moments', () => {
  let topology: SplitTopology;
  // Jest does not cancel a beforeAll past its timeout: afterAll waits for the start to settle, so what it
  // started is stopped too and nothing outlives the suite.
  let starting: Promise<SplitTopology> | undefined;

  beforeAll(async () => {
    topology = await (starting = startKafkaTopology(undefined, ENV));
  }, 180_000);

  afterAll(async () => {
    await starting?.catch(() => undefined);
    await topology?.stop();
  });

  const http = (method: string, path: string, body?: unknown, admin = false) => request(topology.url, method, path, body, { admin });

  /** Two SKUs no other test touches, stocked with `available`; `run` labels the test's orders. */
  async function freshSkus(label: string, available: [number, number]): Promise<{ run: string; skus: [string, string]; initial: Record<string, number> }> {
    const run = randomUUID().slice(0, 8);
    const skus: [string, string] = [`T-${label}-A-${run}`, `T-${label}-B-${run}`];
    for (const [index, sku] of skus.entries()) expect((await http('PUT', `/inventory/${sku}`, { name: 'Kill test item', price: '3.00', available: available[index] }, true)).status).toBe(200);
    return { run, skus, initial: { [skus[0]]: available[0], [skus[1]]: available[1] } };
  }

  /** Places `count` orders at once; the ids of those answered 202 (the orders process may die meanwhile). */
  async function placeWave(label: string, count: number, skus: [string, string]): Promise<string[]> {
    const answers = await Promise.all(
      Array.from({ length: count }, (_, n) => {
        // Two SKUs, sometimes both (named either way round), mixed quantities; every fifth card declined.
        const items =
          n % 3 === 0
            ? [
                { sku: skus[1], quantity: 2 },
                { sku: skus[0], quantity: 1 },
              ]
            : [{ sku: skus[0], quantity: 1 + (n % 2) }];
        return http('POST', '/orders', { userId: `${label}-${n}`, items, ...(n % 5 === 0 ? { paymentMethod: 'test_decline' } : {}) }).catch(() => undefined);
      }),
    );
    return answers.filter((answer) => answer?.status === 202).map((answer) => answer!.body.orderId as string);
  }

  /** Swaps a module's process for a new one with `env` added (the old one stopped), and starts it. */
  async function replace(module: SplitModule, env: Record<string, string> = {}): Promise<AppProcess> {
    await topology.processes[module].kill('SIGKILL');
    const app = new AppProcess({ ...topology.env, MODULES: module, ...env });
    topology.processes[module] = app;
    await app.start(90_000);
    return app;
  }

  const allLines = () => Object.values(topology.processes).flatMap((app) => app.lines());

  it('finishes every accepted order once after each module process is killed mid-intake or mid-delivery', async () => {
    const { run, skus, initial } = await freshSkus('kill', [40, 12]);
    const accepted: string[] = [];
    const duplicatesBefore = duplicateDeliveries(allLines());

    // Each module once, in a random order; even cycles kill while the orders come in, odd ones once they are in.
    const victims = VICTIMS.map((module) => ({ module, draw: randomInt(1_000_000) }))
      .sort((a, b) => a.draw - b.draw)
      .map(({ module }) => module);
    for (const [cycle, victim] of victims.entries()) {
      const wave = placeWave(`kill-${run}-${cycle}`, WAVE, skus);
      if (cycle % 2 === 1) accepted.push(...(await wave));
      await sleep(randomInt(20, 400));
      await topology.processes[victim].kill('SIGKILL');
      if (cycle % 2 === 0) accepted.push(...(await wave));
      await topology.restart(victim);
    }

    expect(accepted.length).toBeGreaterThan(0);
    const counts = await expectChainSettled(topology.db, await ordersOn(topology.db, skus, accepted), initial, 240_000);
    expect(Object.keys(counts).sort()).toEqual(['paid', 'payment_failed', 'rejected']);
    // Records handled but not yet committed (offsets go once a second) came again after a kill: the inbox turned them away.
    expect(duplicateDeliveries(allLines())).toBeGreaterThan(duplicatesBefore);
  }, 600_000);

  it('publishes again what the broker acknowledged before the payment process died unmarked, and each copy is turned away', async () => {
    const { run, skus, initial } = await freshSkus('mark', [20, 10]);
    const crashing = await replace('payment', crashAt('outbox.published'));

    const accepted = await placeWave(`mark-${run}`, 6, skus);
    await exited(crashing);
    const unmarked = await topology.db.query<{ event_id: string }>(`SELECT event_id FROM events.outbox WHERE type = 'com.toolsku.payment.result' AND dispatched_at IS NULL AND subject = ANY($1::text[])`, [accepted]);
    expect(unmarked.length).toBeGreaterThan(0);
    await replace('payment');

    await expectChainSettled(topology.db, await ordersOn(topology.db, skus, accepted), initial, 120_000);
    const ids = unmarked.map((row) => row.event_id);
    const again = await topology.db.query<{ event_id: string }>('SELECT event_id FROM events.outbox WHERE event_id = ANY($1::text[]) AND attempts > 1', [ids]);
    expect(again.length).toBeGreaterThan(0);
    // Orders and notification each read the copy and found it in their inbox.
    for (const module of ['orders', 'notification'] as const) {
      const duplicates = topology.processes[module].lines().filter((line) => line.includes('"outcome":"duplicate"') && ids.some((id) => line.includes(id)));
      expect({ module, turnedAway: duplicates.length > 0 }).toEqual({ module, turnedAway: true });
    }
  }, 300_000);

  it('hands partitions over while orders flow: a second inventory process joins the group, the first leaves, every order decided once', async () => {
    const { run, skus, initial } = await freshSkus('group', [30, 10]);
    const first = topology.processes.inventory;
    const joining = new AppProcess({ ...topology.env, MODULES: 'inventory' });

    // The group rebalances while the first wave's records flow; the first process leaves while the second wave's do,
    // its partitions revoked with records in flight; the third wave finds only the newcomer.
    const [before] = await Promise.all([placeWave(`group-${run}-0`, WAVE, skus), joining.start(90_000)]);
    const during = await placeWave(`group-${run}-1`, WAVE, skus);
    expect(await first.kill('SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });
    topology.processes.inventory = joining;
    const after = await placeWave(`group-${run}-2`, WAVE, skus);

    await expectChainSettled(topology.db, await ordersOn(topology.db, skus, [...before, ...during, ...after]), initial, 120_000);
    const reserved = (app: AppProcess) => app.lines().some((line) => line.includes('"subscription":"inventory-reserve-stock-when-order-created"') && line.includes('"outcome":"handled"'));
    expect({ first: reserved(first), joining: reserved(joining) }).toEqual({ first: true, joining: true });
  }, 300_000);

  it('takes back from a suspended member what it handled but never committed: its generation goes stale, the other member reads those records again and its inbox turns each away', async () => {
    const { run, skus, initial } = await freshSkus('stale', [20, 10]);
    const members = [topology.processes.inventory, new AppProcess({ ...topology.env, MODULES: 'inventory' })];
    const admin = new Kafka({ clientId: 'offsets-reader', brokers: topology.env.KAFKA_BROKERS.split(','), logLevel: logLevel.ERROR }).admin();
    const { KAFKA_TOPIC: topic, KAFKA_GROUP_PREFIX: prefix } = topology.env;
    // Next offset to read per partition: what the group committed (-1: nothing yet), and the end of the log.
    const committed = async () => new Map((await admin.fetchOffsets({ groupId: `${prefix}.inventory`, topics: [topic] }))[0].partitions.map(({ partition, offset }) => [partition, Math.max(0, Number(offset))]));
    const ends = async () => new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, Number(high)]));
    const reserved = (app: AppProcess, orderId: string, outcome: string) => app.lines().some((line) => line.includes(`"subscription":"${RESERVE}"`) && line.includes(`"outcome":"${outcome}"`) && line.includes(orderId));
    const accepted: string[] = [];
    let suspended: AppProcess | undefined;
    try {
      await Promise.all([members[1].start(90_000), admin.connect()]);
      // Quiet first: the only record then moving a partition's end is this test's order.created.
      await eventually(async () => expect(await committed()).toEqual(await ends()), { timeoutMs: 60_000 });

      // A member suspended between handling an order.created and committing its offset (commits go each second): if a
      // try was too slow, another.
      let orderId = '';
      for (let tries = 1; ; tries++) {
        const start = await ends();
        const placed = await http('POST', '/orders', { userId: `stale-${run}-${tries}`, items: [{ sku: skus[0], quantity: 1 }] });
        expect(placed.status).toBe(202);
        accepted.push((orderId = placed.body.orderId));
        const handler = await eventually(
          () => {
            const found = members.find((app) => reserved(app, orderId, 'handled'));
            if (!found) throw new Error(`order ${orderId} not reserved yet`);
            return found;
          },
          { timeoutMs: 30_000, intervalMs: 10 },
        );
        handler.suspend();
        suspended = handler;
        const moved = [...(await ends())].filter(([partition, end]) => end > start.get(partition)!).map(([partition]) => partition);
        if (moved.length === 1 && (await committed()).get(moved[0])! <= start.get(moved[0])!) break;
        handler.resume();
        suspended = undefined;
        if (tries === 5) throw new Error('the periodic commit took the handled record before every suspension');
      }

      // Silent past its session timeout, the member is dropped from the group; the other takes its partitions from
      // their last commit, so it reads the order.created again, and finds it in its inbox.
      const survivor = members.find((app) => app !== suspended)!;
      await eventually(() => expect(reserved(survivor, orderId, 'duplicate')).toBe(true), { timeoutMs: 60_000 });
      // Woken, it still speaks for a generation that is gone: the broker refuses it, and it joins the group again.
      suspended!.resume();
      await eventually(() => expect(suspended!.lines().filter((line) => STALE_MEMBER.test(line))).not.toEqual([]), { timeoutMs: 60_000 });
      // Reserved once: each order's stock taken once, and given back or sold once.
      await expectChainSettled(topology.db, await ordersOn(topology.db, skus, accepted), initial, 120_000);
    } finally {
      suspended?.resume();
      await admin.disconnect();
      await members[1].kill('SIGTERM');
    }
  }, 300_000);
});
