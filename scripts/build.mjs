#!/usr/bin/env node
// npm run build [-- --split] [-- --out DIR]
//   swc compiles src/ to DIR (default dist/): the monolith, dist/main.js, and the CLI, dist/cli/order-events.js
//   (package.json's `bin`: node built-ins only, so swc's output runs as it is).
//   --split also bundles each module's entrypoint (src/split/entrypoints/<module>.ts) with esbuild into
//   DIR/split/<module>/bundle.js, with main.js (src/split/bundle-loader.ts) to run it from the V8 code cache
//   written beside it (docs/adr/0011). esbuild bundles swc's output, not the TypeScript: esbuild emits no
//   decorator metadata (design:paramtypes), and Nest's dependency injection needs it (docs/adr/0006).
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
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

async function bundleModules() {
  const names = readdirSync(join(root, 'src/split/entrypoints'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => basename(file, '.ts'));
  await bundle(Object.fromEntries(names.map((name) => [name, join(out, 'split/entrypoints', `${name}.js`)])), join(out, 'split'), join(out, 'split/bundle-loader.js'));
  console.log(`bundled ${names.map((name) => `split/${name}/main.js`).join(', ')} into ${out}`);
}

compile();
if (args.includes('--split')) await bundleModules();
