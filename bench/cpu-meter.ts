import { readdirSync, readFileSync } from 'node:fs';
import { Pool } from 'pg';

type Group = 'client' | 'app' | 'postgres' | 'broker';

/**
 * CPU time (user + system) spent between `start()` and `read()`, from /proc, by who spent it: this process
 * (the load generator), the app's processes, the Postgres backends serving the benchmark's database, and a
 * Kafka broker running here (the test broker).
 * Wall-clock figures move with whatever else shares the two cores; CPU per order moves much less, so it tells
 * whether a change made the chain cheaper. Needs Linux and a Postgres on this machine; elsewhere it reads nothing.
 */
export class CpuMeter {
  private before = new Map<number, number>();
  private clientBefore = 0;

  private constructor(
    private readonly postmaster: number | undefined,
    private readonly database: string,
    private readonly appPids: () => number[],
    private readonly brokerPids: () => number[],
  ) {}

  /** `brokerPids`: a Kafka broker on this machine (the test broker), billed apart from the app it serves. */
  static async forDatabase(url: string, appPids: () => number[], brokerPids: () => number[] = () => []): Promise<CpuMeter> {
    const pool = new Pool({ connectionString: url, max: 1 });
    try {
      const {
        rows: [{ pid }],
      } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      return new CpuMeter(parentOf(pid), new URL(url).pathname.slice(1), appPids, brokerPids);
    } finally {
      await pool.end();
    }
  }

  start(): void {
    this.before = this.processTicks();
    this.clientBefore = clientMs();
  }

  /** Milliseconds of CPU per group since start(); undefined where /proc or the Postgres server cannot be read. */
  read(): Record<Group, number> | undefined {
    if (this.postmaster === undefined) return undefined;
    const spent: Record<Group, number> = { client: clientMs() - this.clientBefore, app: 0, postgres: 0, broker: 0 };
    const app = new Set(this.appPids());
    const broker = new Set(this.brokerPids());
    for (const [pid, now] of this.processTicks()) spent[app.has(pid) ? 'app' : broker.has(pid) ? 'broker' : 'postgres'] += (now - (this.before.get(pid) ?? 0)) * TICK_MS;
    return spent;
  }

  /** Clock ticks so far of the app's and broker's processes and of the benchmark database's backends. */
  private processTicks(): Map<number, number> {
    const backends = childrenOf(this.postmaster!).filter((pid) => commandOf(pid).includes(` ${this.database} `));
    return new Map([...this.appPids(), ...this.brokerPids(), ...backends].map((pid) => [pid, ticks(pid)]));
  }
}

const TICK_MS = 10;

function clientMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** utime + stime in clock ticks; 0 for a process that is gone. */
function ticks(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function parentOf(pid: number): number | undefined {
  try {
    return Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  } catch {
    return undefined;
  }
}

function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => parentOf(pid) === parent);
}
