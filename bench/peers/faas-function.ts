/**
 * The peer a Knative user would otherwise pick: a function on `faas-js-runtime` (the runtime Knative's `func`
 * builds Node.js functions on), doing the same work as a module's first delivery: one inbox row, with `pg`.
 * Started through the runtime's own `start()` (what its CLI calls after loading the function), with port 0, and
 * the port printed on stdout for the benchmark: `{"port":<n>}`.
 */
import { Pool } from 'pg';

// What a function author writes: a pool at load time, connected on the first query.
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

interface CloudEventLike {
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
}

export async function handle(_context: unknown, event: CloudEventLike): Promise<void> {
  await pool.query(
    `INSERT INTO events.inbox (subscription, event_source, event_id, type, subject, attempt, event_time)
     VALUES ($1, $2, $3, $4, $5, 1, $6) ON CONFLICT DO NOTHING`,
    ['faas', event.source, event.id, event.type, event.subject ?? null, event.time ?? null],
  );
}

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { start } = require('faas-js-runtime') as { start(fn: unknown, options: object): Promise<import('node:net').Server> };
  // '0', not 0: the runtime replaces a falsy port with 8080.
  void start({ handle }, { port: '0', logLevel: 'warn' }).then((server) => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  });
}
