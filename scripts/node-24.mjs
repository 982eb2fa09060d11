#!/usr/bin/env node
/**
 * Runs a command on Node 24 (the project's runtime, pinned in .nvmrc). When the node on PATH is older than
 * package.json's engines allow, the official binary is fetched once from the npm registry, where Node.js
 * publishes it as `node-<platform>-<arch>`, checked against the integrity pinned below, and kept in .cache/node/.
 *
 *   node scripts/node-24.mjs <command> [args...]   runs the command with that node first on PATH
 *   node scripts/node-24.mjs --bin-dir             prints the directory to put first on PATH
 *
 * Node built-ins and npm only: it runs before `npm ci`, on whatever node the machine has.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const VERSION = readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim();

/** sha512 of each registry tarball of VERSION (`npm view node-<platform>-<arch>@<version> dist.integrity`). */
const INTEGRITY = {
  '24.21.0-linux-x64': 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==',
  '24.21.0-linux-arm64': 'sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==',
};

function satisfiesEngines(version) {
  const engines = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node;
  const [, major, minor] = /^>=\s*(\d+)\.(\d+)/.exec(engines) ?? [];
  const [ownMajor, ownMinor] = version.split('.').map(Number);
  return ownMajor > Number(major) || (ownMajor === Number(major) && ownMinor >= Number(minor));
}

function provision() {
  const target = `${VERSION}-${process.platform}-${process.arch}`;
  const binDir = join(ROOT, '.cache', 'node', target, 'bin');
  if (existsSync(join(binDir, 'node'))) return binDir;
  const integrity = INTEGRITY[target];
  if (!integrity) throw new Error(`no pinned Node ${VERSION} for ${process.platform}-${process.arch}: install Node ${VERSION} (nvm install) and run again`);

  const cache = join(ROOT, '.cache', 'node');
  mkdirSync(cache, { recursive: true });
  // Unpacked beside its final place, so the move into it is one rename on one file system.
  const work = mkdtempSync(join(cache, '.download-'));
  try {
    const spec = `node-${process.platform}-${process.arch}@${VERSION}`;
    process.stderr.write(`node ${process.versions.node} is older than the project needs: fetching ${spec} from the npm registry\n`);
    const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', spec, '--json', '--pack-destination', work], { cwd: work, encoding: 'utf8' }));
    const tarball = join(work, filename);
    const actual = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (actual !== integrity) throw new Error(`${spec}: integrity ${actual} is not the pinned ${integrity}`);
    execFileSync('tar', ['-xzf', tarball, '-C', work]);
    const reported = execFileSync(join(work, 'package', 'bin', 'node'), ['--version'], { encoding: 'utf8' }).trim();
    if (reported !== `v${VERSION}`) throw new Error(`${spec} reports ${reported}`);
    renameSync(join(work, 'package'), dirname(binDir));
    return binDir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const binDir = satisfiesEngines(process.versions.node) ? dirname(process.execPath) : provision();
const [command, ...args] = process.argv.slice(2);
if (command === '--bin-dir' || !command) {
  process.stdout.write(`${binDir}\n`);
} else {
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}` } });
  child.on('error', (error) => {
    process.stderr.write(`${command}: ${error.message}\n`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => (signal ? process.kill(process.pid, signal) : process.exit(code ?? 1)));
}
