import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Inlined by scripts/bundle.mjs: a split bundle runs where no package.json is (a Knative image holds the bundle alone). */
declare const __APP_VERSION__: string | undefined;

const NAME = 'toolsku-order-events';

/** This build's version: package.json's, found upwards from this file (src/, dist/ or any build directory in the clone). */
export function appVersion(): string {
  if (typeof __APP_VERSION__ === 'string') return __APP_VERSION__;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    const manifest = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }) : undefined;
    if (manifest?.name === NAME && manifest.version) return manifest.version;
    if (dirname(dir) === dir) return 'unknown';
  }
}
