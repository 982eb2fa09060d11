#!/usr/bin/env node
// node scripts/code-cache.mjs DIR...   (each DIR holds a bundle's main.js and bundle.js)
//
// Writes each bundle's V8 code cache (bundle.js.cache, docs/adr/0011) from a training start: the bundle starts
// on a scratch database, answers a readiness probe and a CloudEvent, and only then writes its cache, so the
// cache holds the bytecode of everything a cold start runs (Nest building the module, the database connection,
// the first answers), not only of the bundle's top level: a start compiles far less (docs/performance.md).
// The database is PGlite in this process: the Dockerfile trains each image's cache with the image's own node,
// where only this file, the bundle and @electric-sql/ are present.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const TIMEOUT_MS = 120_000;

/** Trains the code cache of the bundle in each of `dirs`, one after the other. */
export async function trainCodeCaches(dirs) {
  for (const dir of dirs) await withScratchDatabase((databaseUrl) => train(resolve(dir), databaseUrl));
}

/** PGlite is one backend (one session, whose prepared statements outlive a connection): a fresh one per bundle. */
async function withScratchDatabase(use) {
  const { PGlite } = require('@electric-sql/pglite');
  const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');
  const db = await PGlite.create();
  // The bundle's pool gets one connection, the server one more for a pool's replacement.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 2 });
  await server.start();
  try {
    await use(`postgres://postgres@${server.getServerConn()}/postgres`);
  } finally {
    await server.stop();
    await db.close();
  }
}

async function train(dir, databaseUrl) {
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    // As a Service runs: events leave for a sink (none listens: nothing is published), admin routes mounted.
    K_SINK: 'http://127.0.0.1:9/',
    ADMIN_TOKEN: 'code-cache-training-token',
    EVENTS_BROKER_AUTH: 'off',
  };
  const main = join(dir, 'main.js');
  // A cache left by an earlier build of the bundle: V8 would reject it, with a warning.
  rmSync(join(dir, 'bundle.js.cache'), { force: true });
  await ended(fork(main, ['migrate'], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }), `${main} migrate`);
  const bundle = fork(main, ['--train-code-cache'], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exit = ended(bundle, `${main} --train-code-cache`);
  const [{ listening }] = await Promise.race([once(bundle, 'message'), exit.then(() => Promise.reject(new Error(`${main} ended before listening`)))]);
  for (const probe of firstRequests(listening)) await (await fetch(probe.url, probe)).arrayBuffer();
  bundle.send('write-code-cache');
  await exit;
}

/** What a cold start answers first: Knative's readiness probe, then an event (an unknown type: refused, 4xx). */
function firstRequests(url) {
  const event = { 'ce-specversion': '1.0', 'ce-id': 'code-cache-training', 'ce-source': 'code-cache', 'ce-type': 'code-cache.training', 'content-type': 'application/json' };
  return [
    { url: `${url}/readyz`, method: 'GET' },
    { url: `${url}/`, method: 'POST', headers: event, body: '{}' },
  ];
}

function ended(child, what) {
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
  return once(child, 'exit').then(([code, signal]) => {
    clearTimeout(timer);
    if (code !== 0) throw new Error(`${what} ended with ${signal ?? code}`);
  });
}

// No top-level await: the benchmark require()s ./bundle.mjs, which imports this file.
if (import.meta.filename === resolve(process.argv[1] ?? '')) {
  trainCodeCaches(process.argv.slice(2)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
