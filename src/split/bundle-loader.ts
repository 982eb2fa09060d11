import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

/**
 * dist/split/<module>/main.js: runs the module's bundle (bundle.js beside it) from the V8 code cache that the
 * build wrote beside it (bundle.js.cache), so a cold start deserializes bytecode instead of parsing and compiling
 * ~4 MB of JavaScript (ADR 11). A cache from another Node.js build or other V8 flags is rejected by V8 itself:
 * the bundle is then compiled as without a cache, only slower, and a warning says so.
 *
 * `node main.js --train-code-cache` starts the module without a cache and writes one when its parent says so
 * over IPC (`write-code-cache`), then exits: scripts/code-cache.mjs has it start on a scratch database and answer
 * its first requests first, so that the cache holds the bytecode of a whole start, not only of the top level.
 */
const BUNDLE = join(__dirname, 'bundle.js');
const CACHE = `${BUNDLE}.cache`;
const training = process.argv.includes('--train-code-cache');

// latin1: the build keeps the bundle ASCII, so the source is a one-byte string, decoded without a UTF-8 pass.
const source = readFileSync(BUNDLE, 'latin1');
const cachedData = !training && existsSync(CACHE) ? readFileSync(CACHE) : undefined;
// No importModuleDynamically: the bundle's own import() calls are bundled (esbuild turns them into requires);
// the ones left name optional packages the image does not ship, which Nest reports missing whatever the error.
// (On Node 20 a script restored from a code cache loses that option anyway.)
const script = new Script(Module.wrap(source), { filename: BUNDLE, cachedData });
if (script.cachedDataRejected) process.emitWarning(`${CACHE} was rejected (another Node.js build or V8 flags): compiling the bundle instead`);
// V8 reads the cache only to compile: detaching its buffer frees those ~4.5 MB now, not at a collection that an
// idle process may not run for minutes (-3.2 MB idle RSS, docs/performance.md). ES2024's transfer, not in our lib.
// A file of a few bytes (no cache V8 would take) shares Node's buffer pool, which cannot be detached: left alone.
if (cachedData && cachedData.buffer.byteLength === cachedData.byteLength) {
  (cachedData.buffer as ArrayBuffer & { transfer(length: number): ArrayBuffer }).transfer(0);
}

const bundle = new Module(BUNDLE, module);
bundle.filename = BUNDLE;
(script.runInThisContext() as (...args: unknown[]) => void).call(bundle.exports, bundle.exports, createRequire(BUNDLE), bundle, BUNDLE, __dirname);

if (training) {
  // V8 writes the bytecode of every function compiled so far: what the start and the first answers ran.
  process.on('message', (message) => {
    if (message !== 'write-code-cache') return;
    writeFileSync(CACHE, script.createCachedData());
    process.exit(0);
  });
}
