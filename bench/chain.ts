/**
 * npm run bench:chain [-- --orders 2000 --concurrency 32 --warmup 2000 --transport kafka --rounds 1]
 *
 * Drives orders through the whole chain (POST /orders -> ... -> paid) on real Postgres and prints orders/s
 * and POST->paid latency, beside the ceiling measured in the same run: a bare `pg` loop doing the same four
 * small transactions per order (order, reservation, payment, notification). Budgets (issue #2): chain >= 0.5x
 * ceiling; p99 < 250 ms at half the chain's maximum rate. With `--transport kafka` it then runs the same load
 * against the split topology (five module processes over Kafka, on the test broker or KAFKA_BROKERS) and
 * prints it beside the in-process figure (issue #3 budget: >= 0.6x). Every loop first runs `--warmup` orders
 * that are not measured: a freshly started process spends its first seconds compiling hot code (measured: app
 * CPU per order 3.3 ms after 1000 orders, 2.3 ms after 2000), and the budgets are about a running service.
 * Each closed loop also prints what Postgres was asked to write per order (write transactions, WAL bytes),
 * which explain its CPU per order without the noise of the machine. `--rounds N` repeats the whole run N times,
 * each on a fresh database, and ends with every round's ratios and their median: on a machine whose speed
 * drifts, one round's ratio says little. `--interleave K` (with `--transport kafka`) compares the two instead in
 * K pairs of turns of `--orders` each, both topologies up and the one not measured stopped (see interleave),
 * so that both sides of each ratio ran on the same machine within seconds. Latency is printed twice: as the
 * database stamped it (order inserted -> paid) and at the client, from each order's scheduled send time to its
 * 202 and to its paid stamp, so queueing in front of the app counts; the half-rate budget is judged on the latter.
 * Figures, never assertions.
 */
import { Agent, IncomingMessage, request as httpRequest } from 'node:http';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { SplitTopology, startKafkaTopology } from '../test/support/kafka/split-topology';
import { createTestDatabase, TestDatabase, withTestPostgres } from '../test/support/test-database';
import { AppProcess } from '../test/support/test-app';
import { CpuMeter } from './cpu-meter';
import { DatabaseWork, DatabaseWorkMeter } from './database-work';
import { alone, interleave, Pair, resumeAll, Side } from './interleaved';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '2000' },
    transport: { type: 'string', default: 'inprocess' },
    rounds: { type: 'string', default: '1' },
    interleave: { type: 'string', default: '0' },
  },
});
const ORDERS = Number(values.orders);
const WARMUP = Number(values.warmup);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const PAIRS = Number(values.interleave);
if (!['inprocess', 'kafka'].includes(values.transport!)) throw new Error(`--transport must be inprocess or kafka, not ${values.transport}`);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`--rounds must be a whole number of at least 1, not ${values.rounds}`);
if (!Number.isInteger(PAIRS) || PAIRS < 0) throw new Error(`--interleave must be a whole number, not ${values.interleave}`);
if (PAIRS > 0 && values.transport !== 'kafka') throw new Error('--interleave compares the split with in-process: it needs --transport kafka');
const ADMIN_TOKEN = 'bench-admin-token-0123456789';

/** Each round's ratio: the in-process chain to its ceiling, and the split to the in-process chain. */
interface Ratios {
  ofCeiling: number;
  ofInProcess?: number;
}

async function main(): Promise<void> {
  if (PAIRS > 0) return benchInterleaved();
  const rounds: Ratios[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    if (ROUNDS > 1) console.log(`\nround ${round} of ${ROUNDS}`);
    rounds.push(await benchRound());
  }
  if (ROUNDS > 1) reportRounds(rounds);
}

async function benchRound(): Promise<Ratios> {
  const db = await createTestDatabase();
  try {
    const ceiling = await bareTransactions(db, ORDERS, CONCURRENCY);
    const app = await startApp(db.url);
    let inProcess: number;
    let ofCeiling: number;
    try {
      await stock(app.url);
      await warmUp(app.url, db);
      const saturated = await driveClosedLoop(app.url, db, ORDERS, CONCURRENCY, await CpuMeter.forDatabase(db.url, () => [app.pid]));
      inProcess = saturated.ordersPerSecond;
      const halfRate = saturated.ordersPerSecond / 2;
      const paced = await driveOpenLoop(app.url, db, Math.max(200, Math.floor(ORDERS / 2)), halfRate);
      ofCeiling = report(ceiling, saturated, halfRate, paced);
    } finally {
      await app.stop();
    }
    return { ofCeiling, ofInProcess: values.transport === 'kafka' ? reportSplit(inProcess, await benchSplit()) : undefined };
  } finally {
    // BENCH_KEEP_DB=1 keeps the database for a post-mortem of where orders waited.
    if (process.env.BENCH_KEEP_DB) console.log(`kept database ${db.url}`);
    else await db.drop();
  }
}

/** The same closed and open loops against five module processes over Kafka, on their own database. */
async function benchSplit(): Promise<{ saturated: Run; halfRate: number; paced: Run }> {
  // The outbox polls at its default, as in-process (the topology's tests poll faster, to recover quicker).
  const topology = await startKafkaTopology(resolve(__dirname, '../src/main.js'), { ADMIN_TOKEN, EVENTS_OUTBOX_POLL_INTERVAL: 'PT1S' });
  try {
    await stock(topology.url);
    const pids = () => modulePids(topology);
    // Straight to the orders process, as the in-process loop posts straight to the app: the test gateway is
    // a proxy in this (the load generator's) process and would bill its CPU to the split topology.
    const orders = topology.processes.orders.url;
    await warmUp(orders, topology.db);
    const saturated = await driveClosedLoop(orders, topology.db, ORDERS, CONCURRENCY, await CpuMeter.forDatabase(topology.db.url, pids, () => (topology.brokerPid === undefined ? [] : [topology.brokerPid])));
    const halfRate = saturated.ordersPerSecond / 2;
    return { saturated, halfRate, paced: await driveOpenLoop(orders, topology.db, Math.max(200, Math.floor(ORDERS / 2)), halfRate) };
  } finally {
    await topology.stop();
  }
}

function modulePids(topology: SplitTopology): number[] {
  return Object.values(topology.processes).flatMap((process) => (process.pid === undefined ? [] : [process.pid]));
}

interface BenchSide extends Side {
  db: TestDatabase;
}

/** Both topologies up at once, measured in alternating turns with the other stopped, so each pair ran seconds apart. */
async function benchInterleaved(): Promise<void> {
  const db = await createTestDatabase();
  const app = await startApp(db.url);
  // A turn stops the split's consumers and broker for seconds: a session timeout well beyond that keeps the groups as they are.
  const topology = await startKafkaTopology(resolve(__dirname, '../src/main.js'), { ADMIN_TOKEN, EVENTS_OUTBOX_POLL_INTERVAL: 'PT1S', KAFKA_SESSION_TIMEOUT: 'PT30S' });
  const inProcess: BenchSide = { url: app.url, db, pids: () => [app.pid] };
  const split: BenchSide = {
    url: topology.processes.orders.url,
    db: topology.db,
    pids: () => [...modulePids(topology), ...(topology.brokerPid === undefined ? [] : [topology.brokerPid])],
  };
  const sides: [BenchSide, BenchSide] = [inProcess, split];
  try {
    // Stock through the app and through the topology's gateway: the orders process does not serve /inventory.
    for (const url of [app.url, topology.url]) await stock(url);
    for (const [index, side] of sides.entries()) await alone(sides, index, () => warmUp(side.url, side.db));
    const drive = async (side: BenchSide, orders: number) => (await placeAndWatch(side.url, side.db, orders, CONCURRENCY)).ordersPerSecond;
    reportInterleaved(await interleave(sides, PAIRS, ORDERS, drive));
  } finally {
    resumeAll(sides);
    await topology.stop();
    await app.stop();
    await db.drop();
  }
}

function reportInterleaved(pairs: Pair[]): void {
  console.log(`\nsplit over Kafka / in-process, interleaved: ${pairs.length} pairs of ${ORDERS} orders each, concurrency ${CONCURRENCY} (after ${WARMUP} unmeasured each)`);
  pairs.forEach(({ first, second, ratio }, index) =>
    console.log(`  pair ${String(index + 1).padEnd(3)} in-process ${first.toFixed(0).padStart(4)} orders/s   split ${second.toFixed(0).padStart(4)} orders/s   ${ratio.toFixed(2)}x`),
  );
  const median = medianOf(pairs.map(({ ratio }) => ratio));
  console.log(`${'split / in-process, median'.padEnd(34)} ${`${median.toFixed(2)}x`.padEnd(26)} (budget >= 0.60x) ${median >= 0.6 ? 'OK' : 'OVER BUDGET'}`);
}

/** The ceiling: four small transactions per order, straight through `pg`, same pool size and concurrency. */
async function bareTransactions(db: TestDatabase, orders: number, concurrency: number): Promise<Ceiling> {
  const pool = new Pool({ connectionString: db.url, max: 20 });
  await pool.query(`CREATE SCHEMA bare; CREATE TABLE bare.orders (id int PRIMARY KEY, status text);
    CREATE TABLE bare.stock (sku text PRIMARY KEY, available int CHECK (available >= 0)); INSERT INTO bare.stock VALUES ('A', 100000000);
    CREATE TABLE bare.reservations (order_id int PRIMARY KEY); CREATE TABLE bare.payments (order_id int PRIMARY KEY);
    CREATE TABLE bare.notifications (id serial PRIMARY KEY, order_id int)`);
  const tx = async (statements: [string, unknown[]][]) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (const [sql, params] of statements) await client.query(sql, params);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };
  const order = async (id: number) => {
    await tx([['INSERT INTO bare.orders VALUES ($1, $2)', [id, 'pending']]]);
    await tx([
      ["UPDATE bare.stock SET available = available - 1 WHERE sku = 'A'", []],
      ['INSERT INTO bare.reservations VALUES ($1)', [id]],
    ]);
    await tx([['INSERT INTO bare.payments VALUES ($1)', [id]]]);
    await tx([['INSERT INTO bare.notifications (order_id) VALUES ($1)', [id]]]);
  };
  await inParallel(WARMUP, concurrency, (index) => order(orders + index));
  const meter = await CpuMeter.forDatabase(db.url, () => []);
  meter.start();
  const started = performance.now();
  await inParallel(orders, concurrency, order);
  const ordersPerSecond = orders / ((performance.now() - started) / 1000);
  const cpu = perOrder(meter.read(), orders);
  await pool.end();
  return { ordersPerSecond, cpu };
}

/** CPU milliseconds per order by who spent them (see CpuMeter), when they could be read. */
type CpuPerOrder = Record<string, number> | undefined;

interface Ceiling {
  ordersPerSecond: number;
  cpu: CpuPerOrder;
}

interface Run {
  ordersPerSecond: number;
  /** POST -> paid as Postgres stamped it: from the order's insert, so it misses the time a request queued before it. */
  p50: number;
  p99: number;
  /** At the client, from each order's scheduled send time (open loop) or the moment it was sent (closed loop). */
  client: { accepted: Percentiles; paid: Percentiles };
  /** Share of the orders paid by the time the last one was accepted, and how long the rest took after it. */
  backlog: { paidDuringIntake: number; tailSeconds: number };
  cpu?: CpuPerOrder;
  work?: DatabaseWork;
}

interface Percentiles {
  p50: number;
  p99: number;
}

/** An order as the client saw it: when it was due to be sent and when its 202 came (epoch ms, this machine's clock). */
interface Sent {
  id: string;
  scheduledMs: number;
  acceptedMs: number;
}

function perOrder(spent: Record<string, number> | undefined, orders: number): CpuPerOrder {
  return spent && Object.fromEntries(Object.entries(spent).map(([group, ms]) => [group, ms / orders]));
}

async function driveClosedLoop(url: string, db: TestDatabase, orders: number, concurrency: number, meter: CpuMeter): Promise<Run> {
  const work = DatabaseWorkMeter.forDatabase(db.url);
  await work.start();
  meter.start();
  const run = await placeAndWatch(url, db, orders, concurrency);
  return { ...run, cpu: perOrder(meter.read(), orders), work: await work.read(orders) };
}

/** `orders` orders posted `concurrency` at a time, watched until every one is paid. */
async function placeAndWatch(url: string, db: TestDatabase, orders: number, concurrency: number): Promise<Run> {
  const sent: Sent[] = [];
  await inParallel(orders, concurrency, async () => sent.push(await send(url, epochNow())));
  return watchUntilPaid(db, sent);
}

/** Unmeasured orders through the whole chain, so the measured ones meet compiled code and warm caches. */
async function warmUp(url: string, db: TestDatabase): Promise<void> {
  if (WARMUP > 0) await placeAndWatch(url, db, WARMUP, CONCURRENCY);
}

/**
 * Orders arrive at a fixed rate whatever the answers do: the latency a steady load would see. Each order's
 * latency runs from when it was due, not from when the loop got round to sending it, so a stall of the load
 * generator or a queue in front of the app counts against the app instead of hiding it (coordinated omission).
 */
async function driveOpenLoop(url: string, db: TestDatabase, orders: number, perSecond: number): Promise<Run> {
  const started = performance.now();
  const placed: Promise<Sent>[] = [];
  for (let i = 0; i < orders; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    placed.push(send(url, performance.timeOrigin + due));
  }
  return watchUntilPaid(db, await Promise.all(placed));
}

function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

async function send(url: string, scheduledMs: number): Promise<Sent> {
  const id = await placeOrder(url);
  return { id, scheduledMs, acceptedMs: epochNow() };
}

/** The one item every order buys, with stock for any run. */
async function stock(url: string): Promise<void> {
  const { status, body } = await request(url, 'PUT', '/inventory/BENCH-1', { name: 'Bench item', price: '1.00', available: 10_000_000 }, true);
  if (status !== 200 && status !== 201) throw new Error(`PUT /inventory/BENCH-1 answered ${status}: ${JSON.stringify(body)}`);
}

async function placeOrder(url: string): Promise<string> {
  const { status, body } = await request(url, 'POST', '/orders', { userId: 'bench', items: [{ sku: 'BENCH-1', quantity: 1 }] });
  if (status !== 202) throw new Error(`POST /orders answered ${status}: ${JSON.stringify(body)}`);
  return (body as { orderId: string }).orderId;
}

/**
 * Waits until every order is paid, on one kept connection polled every 100 ms (a connection per poll forks a
 * Postgres backend each time, load the chain would pay for). The run's span comes from the orders' own
 * timestamps (first created -> last paid, both stamped by Postgres), so the polling interval does not count;
 * so does the client's "paid" moment (Postgres and the client read the same machine's clock).
 */
async function watchUntilPaid(db: TestDatabase, sent: Sent[]): Promise<Run> {
  const ids = sent.map((order) => order.id);
  const watcher = new Pool({ connectionString: db.url, max: 1 });
  try {
    for (;;) {
      const {
        rows: [{ paid }],
      } = await watcher.query<{ paid: string }>(`SELECT count(*) AS paid FROM orders.orders WHERE id = ANY($1) AND status = 'paid'`, [ids]);
      if (Number(paid) === ids.length) break;
      await sleep(100);
    }
    const {
      rows: [row],
    } = await watcher.query<{ seconds: number; p50: number; p99: number; paid_during_intake: string; tail_seconds: number }>(
      `WITH latency AS (SELECT created_at, updated_at, extract(epoch FROM updated_at - created_at) * 1000 AS ms FROM orders.orders WHERE id = ANY($1)),
            intake AS (SELECT max(created_at) AS last_accepted FROM latency)
       SELECT extract(epoch FROM max(updated_at) - min(created_at)) AS seconds,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99,
              count(*) FILTER (WHERE updated_at <= last_accepted) AS paid_during_intake,
              extract(epoch FROM max(updated_at) - last_accepted) AS tail_seconds
       FROM latency, intake GROUP BY last_accepted`,
      [ids],
    );
    const backlog = { paidDuringIntake: Number(row.paid_during_intake) / ids.length, tailSeconds: Number(row.tail_seconds) };
    const { rows: paid } = await watcher.query<{ id: string; paid_ms: number }>('SELECT id, extract(epoch FROM updated_at) * 1000 AS paid_ms FROM orders.orders WHERE id = ANY($1)', [ids]);
    const paidMs = new Map(paid.map((order) => [order.id, Number(order.paid_ms)]));
    const client = {
      accepted: percentiles(sent.map((order) => order.acceptedMs - order.scheduledMs)),
      paid: percentiles(sent.map((order) => paidMs.get(order.id)! - order.scheduledMs)),
    };
    return { ordersPerSecond: ids.length / Number(row.seconds), p50: Number(row.p50), p99: Number(row.p99), client, backlog };
  } finally {
    await watcher.end();
  }
}

/** p50 and p99, interpolated as Postgres' percentile_cont does, so they read beside the database's. */
function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const rank = q * (sorted.length - 1);
    const below = Math.floor(rank);
    return sorted[below] + (sorted[Math.min(below + 1, sorted.length - 1)] - sorted[below]) * (rank - below);
  };
  return { p50: at(0.5), p99: at(0.99) };
}

async function inParallel(count: number, concurrency: number, work: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/**
 * node:http on kept-alive sockets rather than fetch: the load generator shares the machine with what it
 * measures, and fetch costs several times more CPU per request.
 */
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

async function request(url: string, method: string, path: string, body: unknown, admin = false): Promise<{ status: number; body: unknown }> {
  const payload = JSON.stringify(body);
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...(admin ? { authorization: `Bearer ${ADMIN_TOKEN}` } : {}) };
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    httpRequest(`${url}${path}`, { method, headers, agent }, resolve).on('error', reject).end(payload);
  });
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return { status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) };
}

async function startApp(databaseUrl: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const app = new AppProcess({ DATABASE_URL: databaseUrl, ADMIN_TOKEN }, resolve(__dirname, '../src/main.js'));
  await app.start(60_000);
  return { url: app.url, pid: app.pid!, stop: async () => void (await app.kill('SIGTERM')) };
}

function report(ceiling: Ceiling, saturated: Run, halfRate: number, paced: Run): number {
  const ratio = saturated.ordersPerSecond / ceiling.ordersPerSecond;
  const rows = [
    ['bare pg ceiling (4 tx/order)', `${ceiling.ordersPerSecond.toFixed(0)} orders/s`, cpuLine(ceiling.cpu)],
    ['chain, closed loop', `${saturated.ordersPerSecond.toFixed(0)} orders/s`, `${ratio.toFixed(2)}x ceiling (budget >= 0.50x) ${ratio >= 0.5 ? 'OK' : 'OVER BUDGET'}`],
    ['  POST -> paid p50 / p99', `${saturated.p50.toFixed(0)} / ${saturated.p99.toFixed(0)} ms`, 'at saturation'],
    ...clientRows(saturated),
    ['  paid while orders came in', backlogLine(saturated), ''],
    ['  CPU per order', '', cpuLine(saturated.cpu, ceiling.cpu)],
    ['  Postgres per order', '', workLine(saturated.work)],
    [`chain at half rate (${halfRate.toFixed(0)}/s)`, `${paced.p50.toFixed(0)} / ${paced.p99.toFixed(0)} ms p50 / p99`, 'database stamps'],
    ...clientRows(paced, `budget p99 < 250 ms ${paced.client.paid.p99 < 250 ? 'OK' : 'OVER BUDGET'}`),
  ];
  console.log(`\nbench:chain  orders=${ORDERS} concurrency=${CONCURRENCY} (after ${WARMUP} unmeasured)`);
  for (const [what, figure, budget] of rows) console.log(`${what.padEnd(34)} ${figure.padEnd(26)} ${budget}`);
  return ratio;
}

function reportSplit(inProcess: number, { saturated, halfRate, paced }: { saturated: Run; halfRate: number; paced: Run }): number {
  const ratio = saturated.ordersPerSecond / inProcess;
  const rows = [
    ['split over Kafka, closed loop', `${saturated.ordersPerSecond.toFixed(0)} orders/s`, `${ratio.toFixed(2)}x in-process (budget >= 0.60x) ${ratio >= 0.6 ? 'OK' : 'OVER BUDGET'}`],
    ['  POST -> paid p50 / p99', `${saturated.p50.toFixed(0)} / ${saturated.p99.toFixed(0)} ms`, 'at saturation'],
    ...clientRows(saturated),
    ['  paid while orders came in', backlogLine(saturated), ''],
    ['  CPU per order', '', cpuLine(saturated.cpu)],
    ['  Postgres per order', '', workLine(saturated.work)],
    [`split at half rate (${halfRate.toFixed(0)}/s)`, `${paced.p50.toFixed(0)} / ${paced.p99.toFixed(0)} ms p50 / p99`, 'database stamps'],
    ...clientRows(paced),
  ];
  console.log('five module processes, one Kafka topic (test broker unless KAFKA_BROKERS), same database server');
  for (const [what, figure, budget] of rows) console.log(`${what.padEnd(34)} ${figure.padEnd(26)} ${budget}`);
  return ratio;
}

/** Under `over 3 rounds`, a line per ratio: `chain / ceiling   0.55x 0.71x 0.62x   median 0.62x (budget >= 0.50x) OK`. */
function reportRounds(rounds: Ratios[]): void {
  const line = (what: string, ratios: number[], budget: number) => {
    const median = medianOf(ratios);
    const each = ratios.map((ratio) => `${ratio.toFixed(2)}x`).join(' ');
    console.log(`${what.padEnd(34)} ${each.padEnd(26)} median ${median.toFixed(2)}x (budget >= ${budget.toFixed(2)}x) ${median >= budget ? 'OK' : 'OVER BUDGET'}`);
  };
  console.log(`\nover ${rounds.length} rounds`);
  line(
    'chain / ceiling',
    rounds.map(({ ofCeiling }) => ofCeiling),
    0.5,
  );
  const split = rounds.flatMap(({ ofInProcess }) => (ofInProcess === undefined ? [] : [ofInProcess]));
  if (split.length) line('split / in-process', split, 0.6);
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `client 0.81 + app 4.20 + postgres 2.90 = 7.91 ms CPU/order (2.4x ceiling's)`: what each process spent per order. */
function cpuLine(cpu: CpuPerOrder, ceiling?: CpuPerOrder): string {
  if (!cpu) return 'CPU per order not measured (needs /proc and a local Postgres)';
  const total = (figures: Record<string, number>) => Object.values(figures).reduce((sum, ms) => sum + ms, 0);
  const parts = Object.entries(cpu)
    .filter(([, ms]) => ms > 0)
    .map(([group, ms]) => `${group} ${ms.toFixed(2)}`)
    .join(' + ');
  const versus = ceiling ? ` (${(total(cpu) / total(ceiling)).toFixed(1)}x the ceiling's)` : '';
  return `${parts} = ${total(cpu).toFixed(2)} ms CPU/order${versus}`;
}

/** The client's view beside the database stamps: from each order's send time to its 202, and to its paid stamp. */
function clientRows({ client }: Run, budget = ''): string[][] {
  const figure = ({ p50, p99 }: Percentiles) => `${p50.toFixed(0)} / ${p99.toFixed(0)} ms`;
  return [
    ['  client: send -> 202 p50 / p99', figure(client.accepted), ''],
    ['  client: send -> paid p50 / p99', figure(client.paid), budget],
  ];
}

/** `19% (the rest 2.5 s after the last was accepted)`: whether the chain kept up with the intake or queued behind it. */
function backlogLine({ backlog }: Run): string {
  return `${(backlog.paidDuringIntake * 100).toFixed(0)}% (the rest ${backlog.tailSeconds.toFixed(1)} s after the last was accepted)`;
}

function workLine(work?: DatabaseWork): string {
  return work ? `${work.writeTransactions.toFixed(2)} write transactions, ${(work.walBytes / 1024).toFixed(1)} KiB WAL` : '';
}

withTestPostgres(main).catch((error) => {
  console.error(error);
  process.exit(1);
});
