import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ThroughputOptions } from './throughput';

export interface Sample {
  startMs: number;
  cpuMs: number;
  rssMb: number;
}

export interface ThroughputSample {
  rps: number;
  serverUs: number;
  postgresUs: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export function peerVersions(root: string): string {
  const version = (name: string) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  return `faas-js-runtime ${version('faas-js-runtime')}, @nestjs/core ${version('@nestjs/core')}, @nestjs/platform-express ${version('@nestjs/platform-express')}, @nestjs/typeorm ${version('@nestjs/typeorm')}, typeorm ${version('typeorm')}, pg ${version('pg')}, autocannon ${version('autocannon')}`;
}

/** Medians per server, and each bundle's start and RSS as ratios of every peer's (`/faas` = against faas-js-runtime). */
export function printStarts(samples: Map<string, Sample[]>, peers: string[]): void {
  const medians = new Map([...samples].map(([name, runs]) => [name, { startMs: median(runs.map((s) => s.startMs)), cpuMs: median(runs.map((s) => s.cpuMs)), rssMb: median(runs.map((s) => s.rssMb)) }]));
  const runs = samples.values().next().value?.length ?? 0;
  const short = (peer: string) => peer.split(/[ +]/)[0].replace('-js-runtime', '');
  console.log(`\ncold start, ${runs} interleaved rounds (medians; ratios: start / peer's start, RSS / peer's RSS)`);
  console.log(`  ${'server'.padEnd(26)} ${'start'.padStart(8)} ${'cpu'.padStart(8)} ${'idle RSS'.padStart(10)}   ${peers.map((peer) => `start/${short(peer)}`.padStart(12) + `rss/${short(peer)}`.padStart(10)).join('')}`);
  for (const [name, m] of medians) {
    const ratios = peers.map((peer) => {
      const p = medians.get(peer)!;
      return (m.startMs / p.startMs).toFixed(2).padStart(11) + 'x' + (m.rssMb / p.rssMb).toFixed(2).padStart(9) + 'x';
    });
    console.log(`  ${name.padEnd(26)} ${m.startMs.toFixed(0).padStart(5)} ms ${m.cpuMs.toFixed(0).padStart(5)} ms ${m.rssMb.toFixed(1).padStart(7)} MB   ${ratios.join('')}`);
  }
  const all = [...samples].map(([name, s]) => `${name}: ${s.map((x) => x.startMs.toFixed(0)).join(' ')}`);
  console.log(`  each round's start (ms), in round order:\n    ${all.join('\n    ')}`);
}

export function printThroughput(samples: Map<string, ThroughputSample[]>, options: ThroughputOptions): void {
  const medians = new Map([...samples].map(([name, runs]) => [name, { rps: median(runs.map((s) => s.rps)), serverUs: median(runs.map((s) => s.serverUs)), postgresUs: median(runs.map((s) => s.postgresUs)) }]));
  const faas = medians.get('faas-js-runtime')!;
  const nest = medians.get('nest + typeorm')!;
  console.log(
    `\nreceiver throughput, binary CloudEvent POST (autocannon, ${options.connections} connections, ${options.seconds} s after ${options.warmup} s unmeasured, same cores), ${options.rounds} interleaved rounds (medians)`,
  );
  for (const [name, m] of medians) {
    console.log(
      `  ${name.padEnd(26)} ${m.rps.toFixed(0).padStart(6)} req/s  ${(m.rps / faas.rps).toFixed(2)}x faas  ${(m.rps / nest.rps).toFixed(2)}x nest   CPU/request: server ${m.serverUs.toFixed(0)} µs, postgres ${m.postgresUs.toFixed(0)} µs   (rounds: ${samples
        .get(name)!
        .map((s) => s.rps.toFixed(0))
        .join(' ')})`,
    );
  }
}
