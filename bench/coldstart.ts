/**
 * npm run bench:coldstart [-- --rounds 9 --tp-rounds 3 --seconds 5 --warmup 3 --connections 32 --only start|throughput
 *                            --variant '<name>=<dir with <module>/main.js>[ <node flag> ...]' ... --out .build/coldstart]
 *
 * What a scale-to-zero Knative Service pays on its first request, per module bundle (dist/split/<module>/main.js),
 * against the peers a Knative user would otherwise pick, measured in one run on one machine, interleaved (every
 * round starts every server once, in an order that rotates from round to round, so a drift of the machine weighs
 * on all of them alike):
 *   faas-js-runtime   the runtime Knative's `func` builds Node.js functions on (bench/peers/faas-function.ts, `pg`)
 *   nest + typeorm    a default NestJS app (Express) with @nestjs/typeorm (bench/peers/nest-receiver)
 *   bare node:http    the floor: no parsing, no database
 * Each one's first delivery writes one inbox row in the same Postgres (DATABASE_URL's server when set, else a
 * throwaway one), except the bare server's.
 *   start   spawn -> first 2xx to a binary CloudEvent POST; every server binds port 0 and says which
 *   cpu     the CPU the process used until then (steadier than wall time on shared cores)
 *   rss     resident memory 1 s after that first answer
 *   rps     receiver throughput: binary CloudEvent POSTs, a fresh id each (autocannon, closed loop, on the same
 *           cores), after --warmup unmeasured seconds; the bundle's handler does nothing beyond its inbox row, the
 *           peers write the same row
 * Migrations are applied before the first round (`node main.js migrate`): a Service's cold start finds them
 * applied. `--variant` adds another build's bundles (e.g. a baseline, `node scripts/build.mjs --split --out DIR`,
 * then DIR/split) to the same rounds, for paired comparisons; node flags after the directory start that variant's
 * bundles with them (`--variant 'semi4=dist/split --max-semi-space-size=4'`). Figures, never assertions.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { MODULE_NAMES, ModuleName } from '../src/modules';
import { createTestDatabase, withTestPostgres } from '../test/support/test-database';
import { CLOUD_EVENTS } from './coldstart/cloud-events';
import { peerVersions, printStarts, printThroughput, Sample, ThroughputSample } from './coldstart/report';
import { coldStart, rssMb, ServerUnderTest, stop } from './coldstart/servers';
import { receiverThroughput } from './coldstart/throughput';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '9' },
    'tp-rounds': { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    only: { type: 'string' },
    variant: { type: 'string', multiple: true, default: [] },
    out: { type: 'string', default: '.build/coldstart' },
  },
});
const ROOT = resolve(__dirname, '../..');
const OUT = resolve(ROOT, values.out);
/** Every bundle the build makes that has a sample event to start on (./coldstart/cloud-events.ts). */
const MODULES = MODULE_NAMES.filter((module): module is ModuleName & keyof typeof CLOUD_EVENTS => module in CLOUD_EVENTS);

async function bundleAll(): Promise<void> {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--split', '--out', OUT], { stdio: 'inherit' });
  const { bundle } = (await import(join(ROOT, 'scripts/bundle.mjs'))) as { bundle: (entries: Record<string, string>, outdir: string, loader: string) => Promise<void> };
  await bundle({ bench: join(ROOT, '.build/bench/coldstart/trivial-entrypoint.js') }, join(OUT, 'split'), join(OUT, 'split/bundle-loader.js'));
}

function servers(databaseUrl: string, appEnv: Record<string, string>): { peers: ServerUnderTest[]; bundles: ServerUnderTest[]; trivial: ServerUnderTest } {
  const peers: ServerUnderTest[] = [
    { name: 'bare node:http', args: [join(ROOT, '.build/bench/peers/bare-server.js')], env: {}, event: CLOUD_EVENTS.bench, reports: 'stdout' },
    { name: 'faas-js-runtime', args: [join(ROOT, '.build/bench/peers/faas-function.js')], env: { DATABASE_URL: databaseUrl }, event: CLOUD_EVENTS.bench, reports: 'stdout' },
    { name: 'nest + typeorm', args: [join(ROOT, '.build/bench/peers/nest-receiver/main.js')], env: { DATABASE_URL: databaseUrl }, event: CLOUD_EVENTS.bench, reports: 'stdout' },
  ];
  const builds: [string, string, string[]][] = [['', join(OUT, 'split'), []], ...values.variant.map(variantBuild)];
  const bundles = builds.flatMap(([variant, dir, flags]) =>
    MODULES.map((module): ServerUnderTest => ({ name: variant ? `${module} [${variant}]` : module, args: [...flags, join(resolve(dir), module, 'main.js')], env: appEnv, event: CLOUD_EVENTS[module], reports: 'ipc' })),
  );
  const trivial: ServerUnderTest = { name: 'bundle, trivial handler', args: [join(OUT, 'split/bench/main.js')], env: { ...appEnv, LOG_LEVEL: 'warn' }, event: CLOUD_EVENTS.bench, reports: 'ipc' };
  return { peers, bundles, trivial };
}

/** `name=DIR[ flag ...]`: a build's bundles and the node flags to start them with. */
function variantBuild(spec: string): [string, string, string[]] {
  const [dir, ...flags] = spec
    .slice(spec.indexOf('=') + 1)
    .trim()
    .split(/\s+/);
  return [spec.slice(0, spec.indexOf('=')), dir, flags];
}

/** Every server started once per round, the order rotated by one each round. */
async function coldStarts(all: ServerUnderTest[], rounds: number): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>(all.map((server) => [server.name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = all.map((_, index) => all[(index + round) % all.length]);
    for (const server of order) {
      const started = await coldStart(server);
      // Idle: the start-up garbage has had a moment to be collected, no request in flight.
      await sleep(1000);
      samples.get(server.name)!.push({ startMs: started.ms, cpuMs: started.cpuMs, rssMb: rssMb(started.child.pid!) });
      await stop(started.child);
    }
    process.stderr.write(`round ${round + 1}/${rounds} done\n`);
  }
  return samples;
}

async function main(): Promise<void> {
  await bundleAll();
  const db = await createTestDatabase();
  const sink: Server = createServer((request, response) => request.resume().on('end', () => response.writeHead(202).end())).listen(0, '127.0.0.1');
  await once(sink, 'listening');
  const appEnv = { DATABASE_URL: db.url, K_SINK: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`, ADMIN_TOKEN: 'bench-admin-token-0123456789', LOG_LEVEL: 'info', EVENTS_BROKER_AUTH: 'off' };
  try {
    // Once per rollout, as the migrate Job does: every module's schema and the events schema the peers write to.
    execFileSync(process.execPath, [join(OUT, 'main.js'), 'migrate'], { env: { ...process.env, ...appEnv }, stdio: ['ignore', 'ignore', 'inherit'] });
    const { peers, bundles, trivial } = servers(db.url, appEnv);
    console.log(
      `${cpus().length} cores, load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')} before the run; node ${process.version}; ${peerVersions(ROOT)}`,
    );
    if (values.only !== 'throughput')
      printStarts(
        await coldStarts([...peers, ...bundles], Number(values.rounds)),
        peers.map((peer) => peer.name),
      );
    if (values.only !== 'start') {
      const options = { rounds: Number(values['tp-rounds']), seconds: Number(values.seconds), warmup: Number(values.warmup), connections: Number(values.connections), databaseUrl: db.url };
      const results: Map<string, ThroughputSample[]> = await receiverThroughput([...peers, trivial], options);
      printThroughput(results, options);
    }
    console.log(
      `load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')} after the run`,
    );
  } finally {
    sink.close();
    await db.drop();
  }
}

/** DATABASE_URL names the Postgres server to measure on (a database is created on it and dropped after). */
if (process.env.DATABASE_URL && !process.env.TEST_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;

withTestPostgres(main).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
