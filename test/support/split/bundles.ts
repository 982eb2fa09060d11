import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eventually } from '../eventually';
import { freePort, TEST_ACCESS } from '../test-app';

const ROOT = resolve(__dirname, '../../..');

/** Node arguments that hide node_modules from a bundle, as in an image holding the bundle alone. */
export const WITHOUT_NODE_MODULES = ['--require', resolve(__dirname, 'without-node-modules.js')];

/** `npm run build:split` into a directory of this test file's own, so parallel suites never share a half-written dist. */
export function buildSplitBundles(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'split-build-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--split', '--out', dir], { cwd: ROOT, stdio: 'pipe' });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One module's bundle (`<dir>/split/<module>/main.js`) as its own process, the way a Knative Service runs it. */
export class BundleProcess {
  private child?: ChildProcess;
  readonly output: string[] = [];
  url = '';

  constructor(
    readonly module: string,
    private readonly dir: string,
    private readonly env: Record<string, string>,
  ) {}

  async start(): Promise<this> {
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    // A smaller pool than production's: five bundles per suite share the machine's Postgres with every other suite.
    const env = { ...process.env, LOG_LEVEL: 'error', ...TEST_ACCESS, EVENTS_BROKER_AUTH: 'off', EVENTS_OUTBOX_POLL_INTERVAL: 'PT0.2S', DATABASE_POOL_SIZE: '10', ...this.env, PORT: String(port) };
    this.child = spawn(process.execPath, [...WITHOUT_NODE_MODULES, join(this.dir, 'split', this.module, 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk) => this.output.push(String(chunk)));
    this.child.stderr!.on('data', (chunk) => this.output.push(String(chunk)));
    // Generous: the machine's cores are shared with other suites, and several bundles start at once.
    await eventually(
      async () => {
        if (this.exited()) throw new Error(`${this.module} exited with ${this.child!.exitCode}: ${this.output.join('')}`);
        expect((await fetch(`${this.url}/readyz`)).status).toBe(200);
      },
      { timeoutMs: 100_000, intervalMs: 100 },
    ).catch((error: Error) => {
      throw new Error(`${this.module} not ready: ${error.message}\n${this.output.join('').slice(-2000)}`);
    });
    return this;
  }

  exited(): boolean {
    return !this.child || this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** SIGTERM, as Knative scales a pod down; resolves when the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.exited()) return { code: this.child?.exitCode ?? null, signal: this.child?.signalCode ?? null };
    const exited = once(this.child!, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    this.child!.kill(signal);
    const [code, by] = await exited;
    return { code, signal: by };
  }
}
