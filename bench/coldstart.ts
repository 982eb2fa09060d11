/**
 * npm run bench:coldstart [-- --runs 5 --seconds 5 --warmup 5 --concurrency 32 --only start|throughput]
 *
 * What a scale-to-zero Knative Service pays on its first request, per module bundle (dist/split/<module>/main.js),
 * beside a bare `node:http` server measured in the same run on the same machine:
 *   start   spawn -> first 2xx to a CloudEvent POST (median of --runs; migrations already applied)
 *   rss     resident memory once idle after that first answer
 *   rps     receiver throughput: binary CloudEvent POSTs to a trivial handler (a bundle of its own), closed loop,
 *           after --warmup unmeasured seconds (a process that just started is still compiling what it runs), with
 *           the CPU each request cost the server and its Postgres backends (steadier than req/s on shared cores)
 * Budgets (issue #4): start <= 1.5x bare, rss <= 1.3x bare, throughput >= 0.75x bare. Figures, never assertions.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createTestDatabase, withTestPostgres } from '../test/support/test-database';
import { CLOUD_EVENTS, CloudEventRequest } from './coldstart/cloud-events';
import { CpuMeter } from './cpu-meter';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, seconds: { type: 'string', default: '5' }, warmup: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '32' }, only: { type: 'string' } },
});
const RUNS = Number(values.runs);
const ROOT = resolve(__dirname, '../..');
const OUT = join(ROOT, '.build/coldstart');
const BARE_SERVER = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.statusCode = 204; s.end(); }); }).listen(Number(process.env.PORT), '0.0.0.0');`;

interface Started {
  child: ChildProcess;
  ms: number;
  /** CPU time the process used up to its first answer: less sensitive than wall time to other load on the cores. */
  cpuMs: number;
}

async function bundleAll(): Promise<void> {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--split', '--out', OUT], { stdio: 'inherit' });
  const { bundle } = (await import(join(ROOT, 'scripts/bundle.mjs'))) as { bundle: (entries: Record<string, string>, outdir: string, loader: string) => Promise<void> };
  await bundle({ bench: join(ROOT, '.build/bench/coldstart/trivial-entrypoint.js') }, join(OUT, 'split'), join(OUT, 'split/bundle-loader.js'));
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

/** Spawns `args` and POSTs the CloudEvent as fast as it can until the first 2xx: that wait is the cold start. */
async function coldStart(args: string[], env: Record<string, string>, send: () => CloudEventRequest): Promise<Started & { url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, PORT: String(port) }, stdio: 'ignore' });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    const request = send();
    const status = await fetch(`${url}${request.path}`, { method: 'POST', headers: request.headers, body: request.body }).then(
      async (response) => (await response.arrayBuffer(), response.status),
      () => 0,
    );
    if (status >= 200 && status < 300) return { child, ms: performance.now() - started, cpuMs: cpuMs(child.pid!), url };
    if (status !== 0) throw new Error(`${args.join(' ')} answered ${status}`);
    await sleep(2);
  }
}

/** utime + stime from /proc/<pid>/stat, in clock ticks of 10 ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((candidate) => candidate.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** Closed loop: `concurrency` clients POSTing back to back for `seconds`; 2xx answers per second. */
async function throughput(url: string, send: () => CloudEventRequest, seconds = Number(values.seconds)): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let ok = 0;
  await Promise.all(
    Array.from({ length: Number(values.concurrency) }, async () => {
      while (performance.now() < until) {
        const request = send();
        const response = await fetch(`${url}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
        await response.arrayBuffer();
        if (response.ok) ok++;
      }
    }),
  );
  return ok / seconds;
}

/** Requests per second after the warm-up, and the CPU per request (µs) the server and its Postgres backends spent. */
async function warmThroughput(server: Started & { url: string }, databaseUrl: string): Promise<{ rps: number; cpuUs: Record<string, number> | undefined }> {
  await throughput(server.url, CLOUD_EVENTS.bench, Number(values.warmup));
  const meter = await CpuMeter.forDatabase(databaseUrl, () => [server.child.pid!]);
  meter.start();
  const rps = await throughput(server.url, CLOUD_EVENTS.bench);
  const spent = meter.read();
  const requests = rps * Number(values.seconds);
  return { rps, cpuUs: spent && { server: (spent.app * 1000) / requests, postgres: (spent.postgres * 1000) / requests } };
}

interface Measured {
  startMs: number;
  cpuMs: number;
  rssMb: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(args: string[], env: Record<string, string>, send: () => CloudEventRequest): Promise<Measured> {
  const starts: number[] = [];
  const cpu: number[] = [];
  let rss = 0;
  for (let run = 0; run < RUNS; run++) {
    const { child, ms, cpuMs: used } = await coldStart(args, env, send);
    starts.push(ms);
    cpu.push(used);
    // Idle: the start-up garbage has had a moment to be collected, no request in flight.
    await sleep(1000);
    rss = Math.max(rss, rssMb(child.pid!));
    await stop(child);
  }
  return { startMs: median(starts), cpuMs: median(cpu), rssMb: rss };
}

async function main(): Promise<void> {
  await bundleAll();
  const db = await createTestDatabase();
  const sink: Server = createServer((request, response) => request.resume().on('end', () => response.writeHead(202).end())).listen(0, '127.0.0.1');
  await once(sink, 'listening');
  const env = { DATABASE_URL: db.url, K_SINK: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`, ADMIN_TOKEN: 'bench-admin-token-0123456789', LOG_LEVEL: 'info', EVENTS_BROKER_AUTH: 'off' };
  try {
    console.log(`${cpus().length} cores, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')} before the run`);
    if (values.only !== 'throughput') await coldStarts(env);
    if (values.only !== 'start') await receiverThroughput(env);
  } finally {
    sink.close();
    await db.drop();
  }
}

async function coldStarts(env: Record<string, string>): Promise<void> {
  console.log(`cold start, ${RUNS} runs each (median start, max idle RSS)`);
  const bare = await measure(['-e', BARE_SERVER], {}, CLOUD_EVENTS.bench);
  console.log(row('bare node:http', bare, bare));
  for (const module of ['orders', 'inventory', 'payment', 'notification', 'deadletter', 'bench'] as const) {
    const bundle = [join(OUT, 'split', module, 'main.js')];
    // The first start applies the migrations; the Service's later cold starts find them applied.
    await stop((await coldStart(bundle, env, CLOUD_EVENTS[module])).child);
    console.log(row(module === 'bench' ? 'trivial handler' : module, await measure(bundle, env, CLOUD_EVENTS[module]), bare));
  }
}

async function receiverThroughput(env: Record<string, string>): Promise<void> {
  const bare = await coldStart(['-e', BARE_SERVER], {}, CLOUD_EVENTS.bench);
  const bareRun = await warmThroughput(bare, env.DATABASE_URL);
  await stop(bare.child);
  const bundle = join(OUT, 'split/bench/main.js');
  // Its first start applies the migrations, when the cold starts have not.
  await stop((await coldStart([bundle], env, CLOUD_EVENTS.bench)).child);
  const trivial = await coldStart([bundle], { ...env, LOG_LEVEL: 'warn' }, CLOUD_EVENTS.bench);
  const run = await warmThroughput(trivial, env.DATABASE_URL);
  await stop(trivial.child);
  const ratio = run.rps / bareRun.rps;
  const cpu = ({ cpuUs }: { cpuUs: Record<string, number> | undefined }) => (cpuUs ? `CPU/request: server ${cpuUs.server.toFixed(0)} µs, postgres ${cpuUs.postgres.toFixed(0)} µs` : '');
  console.log(`\nreceiver throughput, binary CloudEvent POST, ${values.concurrency} clients for ${values.seconds}s after ${values.warmup}s unmeasured (client on the same cores)`);
  console.log(`  bare node:http      ${bareRun.rps.toFixed(0).padStart(7)} req/s                              ${cpu(bareRun)}`);
  console.log(`  trivial handler     ${run.rps.toFixed(0).padStart(7)} req/s  ${ratio.toFixed(2)}x  (budget >= 0.75x) ${ratio >= 0.75 ? 'ok  ' : 'OVER'}  ${cpu(run)}`);
}

function row(name: string, measured: Measured, bare: Measured): string {
  const start = measured.startMs / bare.startMs;
  const rss = measured.rssMb / bare.rssMb;
  const verdict = (ratio: number, budget: number) => `${ratio.toFixed(2)}x ${ratio <= budget ? 'ok  ' : 'OVER'}`;
  const cpu = `cpu ${measured.cpuMs.toFixed(0).padStart(5)} ms ${(measured.cpuMs / Math.max(bare.cpuMs, 10)).toFixed(1)}x`;
  return `  ${name.padEnd(16)} start ${measured.startMs.toFixed(0).padStart(5)} ms ${verdict(start, 1.5)} (<= 1.5x)  ${cpu}   idle RSS ${measured.rssMb.toFixed(1).padStart(6)} MB ${verdict(rss, 1.3)} (<= 1.3x)`;
}

withTestPostgres(main).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
