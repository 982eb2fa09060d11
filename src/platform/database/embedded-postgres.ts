import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';

/** A Postgres in this process, reachable by the ordinary `pg` driver. */
export interface EmbeddedPostgres {
  /** `postgres://` URL of the socket server. */
  url: string;
  /** The pool size the app must use. */
  maxConnections: number;
  /** Close the app's pool first: this drops any connection still open. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * PGlite is a single Postgres backend, so every socket connection shares one session. The socket server
 * keeps an open transaction to the connection that began it, but outside a transaction it interleaves
 * connections message by message: when a query's messages arrive in several TCP reads, another
 * connection's query can run between its Parse and its Bind, and the first query then executes the other's
 * SQL (the unnamed statement is per session). Session state (SET, advisory locks, temp tables, prepared
 * statement names) is shared too. One connection is the only safe pool.
 */
const POOL_SIZE = 1;

/**
 * One more than the pool: a pool replacing a connection opens the new one while the old socket may still
 * be closing, and Node refuses connections over the limit. The closing one sends nothing more.
 */
const SERVER_CONNECTION_LIMIT = POOL_SIZE + 1;

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  // Absolute, so a relative path is not read as a PGlite scheme such as `memory://` or `idb://`.
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create({ dataDir: dir });

  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: SERVER_CONNECTION_LIMIT });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    // getServerConn() is `host:port` with the port the OS chose; PGlite accepts any user and password.
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    maxConnections: POOL_SIZE,
    stop: () =>
      (stopped ??= (async () => {
        await server.stop();
        // Shuts the backend down, so the next start finds a clean data directory rather than recovering.
        await db.close();
      })()),
  };
}
