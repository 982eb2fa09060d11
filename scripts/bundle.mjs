// esbuild settings shared by `npm run build -- --split` and the cold-start benchmark.
import { trainCodeCaches } from './code-cache.mjs';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');

// Loaded on demand by Nest, TypeORM, pg or ws only when a feature these services do not use is configured
// (another transport, another database driver, WebSockets, class-validator pipes, the embedded Postgres).
// kafkajs too: our Kafka transport is required only when EVENT_TRANSPORT=kafka, which a Knative Service never sets.
// Left as runtime requires: the bundle never reaches them, and when one is missing Nest names the package.
const OPTIONAL = [
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  '@nestjs/platform-express',
  '@fastify/static',
  '@fastify/view',
  '@fastify/multipart',
  'class-validator',
  'class-transformer',
  'class-transformer/*',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  'ioredis',
  'amqplib',
  'amqp-connection-manager',
  'mqtt',
  'nats',
  '@nats-io/*',
  'kafkajs',
  'pg-native',
  'pg-query-stream',
  'mysql',
  'mysql2',
  'oracledb',
  'sqlite3',
  'better-sqlite3',
  'sql.js',
  'mssql',
  'mongodb',
  '@sap/hana-client',
  '@sap/hana-client/*',
  'hdb-pool',
  'react-native-sqlite-storage',
  'typeorm-aurora-data-api-driver',
  '@google-cloud/spanner',
  'redis',
  'bufferutil',
  'utf-8-validate',
  'supports-color',
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
];

/**
 * @nestjs/typeorm looks up `Connection` and `AbstractRepository` with a runtime require('typeorm') so it works
 * on TypeORM 0.3 and 1.x. Bundled, that require escapes the bundle and loads a second, complete TypeORM from
 * node_modules (about 40 MB and half a second of a cold start), or nothing where there is no node_modules. On
 * TypeORM 1.x, the version pinned here, both are gone: the module is replaced by what it would resolve to.
 */
const typeormCompat = {
  name: 'typeorm-1-compat',
  setup(build) {
    build.onLoad({ filter: /@nestjs[\\/]typeorm[\\/]dist[\\/]common[\\/]typeorm-compat\.js$/ }, () => ({
      contents: 'export const Connection = undefined;\nexport const AbstractRepository = undefined;\n',
      loader: 'js',
    }));
  },
};

/**
 * Replaces `from` with `to` in one file of a pinned package as esbuild loads it; a build on a version where
 * `from` is gone fails here, instead of shipping a bundle that quietly lost the change.
 */
function patch(name, file, from, to, prelude = '') {
  return {
    name,
    setup(build) {
      build.onLoad({ filter: file }, async ({ path }) => {
        const source = await readFile(path, 'utf8');
        if (!source.includes(from)) throw new Error(`${name}: ${path} no longer contains ${JSON.stringify(from)}`);
        return { contents: prelude + source.replace(from, to), loader: 'js' };
      });
    },
  };
}

/**
 * pg asks at load time whether it runs on Cloudflare Workers by constructing a `Response`: on Node that loads
 * the whole fetch implementation (undici, ~15 ms and several MB of a cold start) for an answer that is always no.
 */
const pgOnNode = patch('pg-on-node', /[\\/]pg[\\/]lib[\\/]stream\.js$/, '= getStreamFuncs()', '= getNodejsStreamFuncs()');

/**
 * Nest's two loggers each build an `Intl.DateTimeFormat` when their module loads, which maps ~8 MB of ICU
 * locale data into every process; the services log through pino and never format a date with them. Built on
 * first use instead.
 */
const LAZY_DATE_TIME_FORMAT = 'const lazyDateTimeFormat = (locales, options) => { let formatter; return { format: (date) => (formatter ??= new Intl.DateTimeFormat(locales, options)).format(date) }; };\n';
const lazyNestDateFormats = [
  patch('nest-console-logger-lazy-intl', /@nestjs[\\/]common[\\/]services[\\/]console-logger\.service\.js$/, 'new Intl.DateTimeFormat(', 'lazyDateTimeFormat(', LAZY_DATE_TIME_FORMAT),
  patch('nest-logger-lazy-intl', /@nestjs[\\/]common[\\/]services[\\/]logger\.service\.js$/, 'new Intl.DateTimeFormat(', 'lazyDateTimeFormat(', LAZY_DATE_TIME_FORMAT),
];

/**
 * TypeORM's DriverFactory requires all of its 17 drivers when it loads, and every one of them is evaluated at each
 * cold start (~0.45 MB of the bundle) though the services speak Postgres only (src/platform/database): the
 * factory is replaced by one that knows Postgres and names it as the only driver for any other type.
 */
const POSTGRES_CASE = 'case "postgres":\n                return new PostgresDriver_1.PostgresDriver(dataSource);';
const typeormPostgresOnly = {
  name: 'typeorm-postgres-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]typeorm[\\/]driver[\\/]DriverFactory\.js$/ }, async ({ path }) => {
      if (!(await readFile(path, 'utf8')).includes(POSTGRES_CASE)) throw new Error(`typeorm-postgres-only: ${path} no longer creates a PostgresDriver as expected`);
      return {
        contents: `"use strict";
const { MissingDriverError } = require("../error/MissingDriverError");
const { PostgresDriver } = require("./postgres/PostgresDriver");
class DriverFactory {
  create(dataSource) {
    if (dataSource.options.type === "postgres") return new PostgresDriver(dataSource);
    throw new MissingDriverError(dataSource.options.type, ["postgres"]);
  }
}
exports.DriverFactory = DriverFactory;
`,
        loader: 'js',
      };
    });
  },
};

/**
 * zod's `z.locales` requires its ~60 translations of the error messages when zod loads (0.33 MB of the bundle);
 * the services use the English default (registered by zod itself from its en.cjs), no other: `z.locales` keeps `en`.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.cjs$/ }, async ({ path }) => {
      if (!(await readFile(path, 'utf8')).includes('require("./en.cjs")')) throw new Error(`zod-english-only: ${path} no longer requires ./en.cjs`);
      return { contents: 'exports.en = require("./en.cjs");\n', loader: 'js' };
    });
  },
};

/**
 * Bundles each compiled entrypoint (`{ '<name>': '<file>.js' }`) into `outdir/<name>/`: bundle.js, one
 * self-contained file; main.js, the loader (`loader`, the compiled src/split/bundle-loader.js) that runs it;
 * and bundle.js.cache, the V8 code cache the loader starts from, trained by ./code-cache.mjs (ADR 11).
 */
export async function bundle(entryPoints, outdir, loader) {
  const esbuild = require('esbuild');
  const names = Object.keys(entryPoints);
  const { metafile } = await esbuild.build({
    metafile: true,
    entryPoints: Object.fromEntries(names.map((name) => [`${name}/bundle`, entryPoints[name]])),
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    // Nest 12 is ES modules; bundled into CommonJS, its import.meta.url must still name a real file.
    // The version too: a bundle runs where no package.json is (src/platform/app-version.ts).
    define: { 'import.meta.url': '__bundle_url', __APP_VERSION__: JSON.stringify(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version) },
    banner: { js: "const __bundle_url = require('node:url').pathToFileURL(__filename).href;" },
    external: OPTIONAL,
    // The output may lie outside the repository (the tests build into a temp dir): resolve packages from ours.
    nodePaths: [join(root, 'node_modules')],
    // Class names are Nest's provider tokens and appear in logs: minify, but keep them.
    plugins: [typeormCompat, typeormPostgresOnly, zodEnglishOnly, pgOnNode, ...lazyNestDateFormats],
    minify: true,
    keepNames: true,
    sourcemap: 'linked',
    logLevel: 'warning',
    logOverride: { 'empty-import-meta': 'silent' },
  });
  await esbuild.build({
    entryPoints: Object.fromEntries(names.map((name) => [`${name}/main`, loader])),
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    logLevel: 'warning',
  });
  for (const name of names) {
    copyApiDocsAssets(metafile, join(outdir, name));
    const file = join(outdir, name, 'bundle.js');
    writeFileSync(file, namesOnClassesOnly(asciiOnly(readFileSync(file, 'utf8')), file));
  }
  await trainCodeCaches(names.map((name) => join(outdir, name)));
}

/**
 * A bundle that serves /docs (one holding src/platform/http/api-docs/swagger-ui-assets) gets the swagger-ui-dist
 * files it serves beside it, where swagger-ui-dist/absolute-path.js, bundled, points: the image has no node_modules.
 * The other bundles get none.
 */
function copyApiDocsAssets(metafile, dir) {
  const output = Object.entries(metafile.outputs).find(([path]) => resolve(path) === join(dir, 'bundle.js'))?.[1];
  const list = Object.keys(output?.inputs ?? {}).find((path) => /api-docs[\\/]swagger-ui-assets\.js$/.test(path));
  if (!list) return;
  const source = dirname(require.resolve('swagger-ui-dist/package.json'));
  for (const file of Object.keys(require(resolve(list)).SWAGGER_UI_ASSETS)) copyFileSync(join(source, file), join(dir, file));
}

/**
 * esbuild escapes non-ASCII characters in strings but leaves them in regular expression literals and legal
 * comments. A single one makes the whole 4 MB source a two-byte string in V8: twice the memory and a slower
 * UTF-8 decode at every cold start. An escape means the same character in all of these places (the source
 * map's columns after one, on its line, are five off: there are two, in ansis and light-my-request).
 */
function asciiOnly(source) {
  return source.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * keepNames makes esbuild call its `__name` helper, a defineProperty, on every named function as it is created,
 * closures made per request included. Only classes and constructors (capitalized, with a prototype) need their
 * names, for Nest, TypeORM and the logs; the rest keep their minified ones (docs/performance.md, issue 23).
 */
function namesOnClassesOnly(source, file) {
  const found = source.match(/(\w+)=\((\w+),(\w+)\)=>(\w+)\(\2,"name",\{value:\3,configurable:!0\}\)/);
  if (!found) throw new Error(`${file}: esbuild's __name helper no longer reads as expected`);
  const [whole, name, target, value, define] = found;
  return source.replace(whole, `${name}=(${target},${value})=>${value}.charCodeAt(0)<97&&Object.hasOwn(${target},"prototype")?${define}(${target},"name",{value:${value},configurable:!0}):${target}`);
}
