#!/usr/bin/env node
// npm run build [-- --split] [-- --out DIR]
//   swc compiles src/ to DIR (default dist/): the monolith, dist/main.js, and the CLI, dist/cli/order-events.js
//   (package.json's `bin`: node built-ins only, so swc's output runs as it is).
//   --split also bundles each module of the list (src/modules/index.ts) with esbuild into
//   DIR/split/<module>/bundle.js, from the entry src/split/bundle-entries.ts writes for it, with main.js (src/split/bundle-loader.ts) to run it from the V8 code cache
//   written beside it (docs/adr/0011). esbuild bundles swc's output, not the TypeScript: esbuild emits no
//   decorator metadata (design:paramtypes), and Nest's dependency injection needs it (docs/adr/0006).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundle } from './bundle.mjs';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const out = resolve(root, args.includes('--out') ? args[args.indexOf('--out') + 1] : 'dist');

function compile() {
  const swc = join(root, 'node_modules/.bin/swc');
  execFileSync(swc, ['src', '-d', out, '--strip-leading-paths', '--copy-files', '--quiet'], { cwd: root, stdio: 'inherit' });
  // npm runs a bin through the shell (npx order-events): it must be executable.
  chmodSync(join(out, 'cli/order-events.js'), 0o755);
}

/**
 * Each bundle's entry source, by module, from the modules' declarations as compiled (the list in
 * src/modules/index.ts). Read in a child process: DIR may lie outside the repository, where the compiled
 * modules find their packages only through NODE_PATH.
 */
function bundleEntries() {
  const read = `require('reflect-metadata'); const { MODULES } = require(${JSON.stringify(join(out, 'modules/index.js'))});
    const { bundleEntries } = require(${JSON.stringify(join(out, 'split/bundle-entries.js'))});
    process.stdout.write(JSON.stringify(bundleEntries(Object.values(MODULES), ${JSON.stringify(out)})));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', read], { env: { ...process.env, NODE_PATH: join(root, 'node_modules') }, encoding: 'utf8' }));
}

async function bundleModules() {
  const dir = join(out, 'split/entries');
  mkdirSync(dir, { recursive: true });
  const entries = Object.entries(bundleEntries()).map(([name, source]) => [name, join(dir, `${name}.js`), source]);
  for (const [, file, source] of entries) writeFileSync(file, source);
  const names = entries.map(([name]) => name);
  await bundle(Object.fromEntries(entries.map(([name, file]) => [name, file])), join(out, 'split'), join(out, 'split/bundle-loader.js'));
  console.log(`bundled ${names.map((name) => `split/${name}/main.js`).join(', ')} into ${out}`);
}

compile();
if (args.includes('--split')) await bundleModules();
