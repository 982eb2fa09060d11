#!/usr/bin/env node
// npm run dev: `node --watch-path=src` runs this again on every change under src/. It compiles src/ with the
// build's own swc settings (what `npm start` runs, decorator metadata included) into .build/dev and starts the monolith.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, '.build/dev');
execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--out', out], { stdio: 'inherit' });
createRequire(import.meta.url)(join(out, 'main.js'));
