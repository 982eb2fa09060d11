import { on } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/** A Postgres inside this process, reachable by the ordinary `pg` driver. */
export interface EmbeddedPostgres {
  /** `postgres://` URL of the socket server. PGlite ignores the user, password and database name. */
  url: string;
  /** The pool size the app must use. */
  maxConnections: number;
  /** Close the app's pool first: connections still open are dropped. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * PGlite is a single Postgres backend, so every socket connection shares one session. The socket server
 * keeps an open transaction to the connection that began it, but otherwise interleaves connections message
 * by message: when a query's messages arrive in several TCP reads, another connection's query can run
 * between its Parse and its Bind, and the first query then executes the other's SQL (the unnamed statement
 * belongs to the session). SET, advisory locks, temp tables and prepared statement names are shared too.
 */
const POOL_SIZE = 1;

/**
 * One more than the pool: a pool replacing a connection opens the new one while the old socket may still
 * be closing, and Node refuses connections over the limit. The closing one sends nothing more.
 */
const SERVER_CONNECTION_LIMIT = POOL_SIZE + 1;

/**
 * PGlite runs in a worker thread. It loads its wasm with dynamic `import()`, which Jest's module sandbox
 * rejects, so in-process it could not run under the project's tests; and each query runs synchronously in
 * wasm, which would otherwise stall the app's event loop. Plain JavaScript in a string because Node 20
 * cannot start a worker from this file when it is TypeScript (as under Jest).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
const { PGLiteSocketServer } = require(workerData.pgliteSocket);

(async () => {
  const db = await PGlite.create({ dataDir: workerData.dataDir });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: workerData.maxConnections });
  await server.start();
  parentPort.once('message', async () => {
    await server.stop();
    // Shuts the backend down, so the next start finds a clean data directory rather than recovering.
    await db.close();
    parentPort.close();
  });
  parentPort.postMessage({ listening: server.getServerConn() });
})();
`;

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  // Absolute, so a relative path is not read as a PGlite scheme such as `memory://` or `idb://`.
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });

  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      dataDir: dir,
      maxConnections: SERVER_CONNECTION_LIMIT,
      pglite: require.resolve('@electric-sql/pglite'),
      pgliteSocket: require.resolve('@electric-sql/pglite-socket'),
    },
  });
  const exited = new Promise<number>((done) => worker.once('exit', done));
  const hostAndPort = await listening(worker, exited);
  // From here the worker has no 'error' listener: if the database dies, the process fails loudly.

  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://postgres@${hostAndPort}/postgres`,
    maxConnections: POOL_SIZE,
    stop: () =>
      (stopped ??= (async () => {
        let failure: unknown;
        worker.once('error', (error) => (failure = error));
        worker.postMessage('stop');
        const code = await exited;
        if (failure || code !== 0) throw failure ?? new Error(`embedded Postgres exited with code ${code}`);
      })()),
  };
}

/**
 * The `host:port` the worker reports once it accepts connections, or why it ended before that. Other messages
 * are skipped: under `node --watch-path` (npm run dev) Node's module loader posts its own from the worker.
 */
async function listening(worker: Worker, exited: Promise<number>): Promise<string> {
  const done = new AbortController();
  const reported = reportedAddress(worker, done.signal);
  try {
    return await Promise.race([reported, exited.then((code) => Promise.reject(new Error(`embedded Postgres exited with code ${code} before listening`)))]);
  } finally {
    done.abort();
    reported.catch(() => undefined);
  }
}

async function reportedAddress(worker: Worker, signal: AbortSignal): Promise<string> {
  for await (const [message] of on(worker, 'message', { signal })) {
    const address = (message as { listening?: unknown } | null)?.listening;
    if (typeof address === 'string') return address;
  }
  throw new Error('embedded Postgres stopped before reporting where it listens');
}
