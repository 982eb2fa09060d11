/** One topology under test: where to post orders, and every process it runs (paused while the other is measured). */
export interface Side {
  url: string;
  pids(): number[];
}

/** Drives `orders` orders through a side's whole chain and answers its orders/s. */
export type Drive<S extends Side> = (side: S, orders: number) => Promise<number>;

/** Each pair's orders/s of both sides and their ratio (second side to first). */
export interface Pair {
  first: number;
  second: number;
  ratio: number;
}

/**
 * Measures two topologies in turns of a few seconds each, the one not measured stopped (SIGSTOP), so that both
 * see the same machine: on a shared machine whose speed drifts by the minute, two runs a minute apart compare
 * the machine as much as the code. The turns go first, second, second, first, first, ... so a steady drift
 * weighs on both alike. Both sides stay up for the whole run; Kafka consumers need a session timeout longer
 * than a turn, or the group rebalances while they are stopped.
 */
export async function interleave<S extends Side>(sides: [S, S], pairs: number, orders: number, drive: Drive<S>): Promise<Pair[]> {
  const measured: Pair[] = [];
  try {
    for (let pair = 0; pair < pairs; pair++) {
      const order = pair % 2 === 0 ? [0, 1] : [1, 0];
      const rates: number[] = [];
      for (const index of order) rates[index] = await alone(sides, index, () => drive(sides[index], orders));
      measured.push({ first: rates[0], second: rates[1], ratio: rates[1] / rates[0] });
    }
  } finally {
    resumeAll(sides);
  }
  return measured;
}

/** Every process of every side running again (before stopping them: a stopped process does not act on SIGTERM). */
export function resumeAll(sides: Side[]): void {
  sides.forEach((side) => signal(side, 'SIGCONT'));
}

/** Runs `work` with only `sides[index]` running. */
export async function alone<T>(sides: Side[], index: number, work: () => Promise<T>): Promise<T> {
  sides.forEach((side, other) => signal(side, other === index ? 'SIGCONT' : 'SIGSTOP'));
  return work();
}

function signal(side: Side, name: NodeJS.Signals): void {
  for (const pid of side.pids()) process.kill(pid, name);
}
