#!/usr/bin/env node
// npm run build [-- --split] [-- --out DIR]
//   swc compiles src/ to DIR (default dist/): the monolith, dist/main.js.
//   --split also bundles each module's entrypoint (src/split/entrypoints/<module>.ts) with esbuild into
//   DIR/split/<module>/main.js. esbuild bundles swc's output, not the TypeScript: esbuild emits no decorator
//   metadata (design:paramtypes), and Nest's dependency injection needs it (docs/adr/0006).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const out = resolve(root, args.includes('--out') ? args[args.indexOf('--out') + 1] : 'dist');

// Loaded on demand by Nest, TypeORM, pg or ws only when a feature this service does not use is configured
// (another transport, another database driver, WebSockets, class-validator pipes). Left as runtime requires:
// the bundle never reaches them, and when one is missing Nest names the package.
const OPTIONAL = [
  '@nestjs/websockets', '@nestjs/websockets/*', '@nestjs/platform-express', '@fastify/static', '@fastify/view', '@fastify/multipart',
  'class-validator', 'class-transformer', 'class-transformer/*',
  '@grpc/grpc-js', '@grpc/proto-loader', 'ioredis', 'amqplib', 'amqp-connection-manager', 'mqtt', 'nats', '@nats-io/*', 'kafkajs',
  'pg-native', 'pg-query-stream', 'mysql', 'mysql2', 'oracledb', 'sqlite3', 'better-sqlite3', 'sql.js', 'mssql', 'mongodb',
  '@sap/hana-client', '@sap/hana-client/*', 'hdb-pool', 'react-native-sqlite-storage', 'typeorm-aurora-data-api-driver',
  '@google-cloud/spanner', 'redis', 'bufferutil', 'utf-8-validate', 'supports-color',
  '@electric-sql/pglite', '@electric-sql/pglite-socket',
];

function compile() {
  const swc = join(root, 'node_modules/.bin/swc');
  execFileSync(swc, ['src', '-d', out, '--strip-leading-paths', '--copy-files', '--quiet'], { cwd: root, stdio: 'inherit' });
}

function modules() {
  return readdirSync(join(root, 'src/split/entrypoints')).filter((file) => file.endsWith('.ts')).map((file) => basename(file, '.ts'));
}

async function bundle() {
  const esbuild = require('esbuild');
  const names = modules();
  await esbuild.build({
    entryPoints: Object.fromEntries(names.map((name) => [`${name}/main`, join(out, 'split/entrypoints', `${name}.js`)])),
    outdir: join(out, 'split'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Nest 12 is ES modules; bundled into CommonJS, its import.meta.url must still name a real file.
    define: { 'import.meta.url': '__bundle_url' },
    banner: { js: "const __bundle_url = require('node:url').pathToFileURL(__filename).href;" },
    external: OPTIONAL,
    // --out may lie outside the repository (the tests build into a temp dir): resolve packages from ours.
    nodePaths: [join(root, 'node_modules')],
    // Class names are Nest's provider tokens and appear in logs: minify, but keep them.
    minify: true,
    keepNames: true,
    sourcemap: 'linked',
    logLevel: 'warning',
    logOverride: { 'empty-import-meta': 'silent' },
  });
  console.log(`bundled ${names.map((name) => `split/${name}/main.js`).join(', ')} into ${out}`);
}

compile();
if (args.includes('--split')) await bundle();
