import { CpuMeter } from '../cpu-meter';
import { ThroughputSample } from './report';
import { ServerUnderTest, spawnServer, stop } from './servers';

// autocannon ships no types; the part of its API used here.
interface AutocannonResult {
  '2xx': number;
  non2xx: number;
  errors: number;
  duration: number;
}
type Autocannon = (options: object) => Promise<AutocannonResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

export interface ThroughputOptions {
  rounds: number;
  seconds: number;
  warmup: number;
  connections: number;
  databaseUrl: string;
}

/** Closed loop for `seconds`: each request a fresh binary CloudEvent (a new id, so the inbox never dedupes). */
async function load(url: string, server: ServerUnderTest, seconds: number, connections: number): Promise<number> {
  const first = server.event();
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: first.path,
        setupRequest: (request: object) => {
          const event = server.event();
          return { ...request, headers: event.headers, body: event.body };
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) process.stderr.write(`${server.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors\n`);
  return result['2xx'] / seconds;
}

/** Each server in turn, started, warmed up and measured, `rounds` times (order rotated per round). */
export async function receiverThroughput(all: ServerUnderTest[], options: ThroughputOptions): Promise<Map<string, ThroughputSample[]>> {
  const samples = new Map<string, ThroughputSample[]>(all.map((server) => [server.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const server of all.map((_, index) => all[(index + round) % all.length])) {
      const running = await spawnServer(server);
      try {
        await load(running.url, server, options.warmup, options.connections);
        const meter = await CpuMeter.forDatabase(options.databaseUrl, () => [running.child.pid!]);
        meter.start();
        const rps = await load(running.url, server, options.seconds, options.connections);
        const spent = meter.read();
        const requests = rps * options.seconds;
        samples.get(server.name)!.push({ rps, serverUs: spent ? (spent.app * 1000) / requests : NaN, postgresUs: spent ? (spent.postgres * 1000) / requests : NaN });
      } finally {
        await stop(running.child);
      }
    }
    process.stderr.write(`throughput round ${round + 1}/${options.rounds} done\n`);
  }
  return samples;
}
