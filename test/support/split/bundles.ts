import { ChildProcess, execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { endChild, isRunning, spawnListening } from '../child-process';
import { eventually } from '../eventually';
import { TEST_ACCESS } from '../test-app';

const ROOT = resolve(__dirname, '../../..');
const START_TIMEOUT_MS = 100_000;

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

  private get bundle(): string[] {
    return [...WITHOUT_NODE_MODULES, join(this.dir, 'split', this.module, 'main.js')];
  }

  private processEnv(): NodeJS.ProcessEnv {
    // A smaller pool than production's: five bundles per suite share the test Postgres with every other suite.
    // The Broker is trusted without a token unless the caller turns OIDC on (startSplitTopology does).
    return { ...process.env, LOG_LEVEL: 'error', ...TEST_ACCESS, EVENTS_BROKER_AUTH: 'off', EVENTS_OUTBOX_POLL_INTERVAL: 'PT0.2S', DATABASE_POOL_SIZE: '10', ...this.env };
  }

  /** `main.js migrate`, what the rollout's migrate Job runs (docs/adr/0023); resolves with what it printed. */
  async migrate(): Promise<string> {
    const { stdout } = await promisify(execFile)(process.execPath, [...this.bundle, 'migrate'], { env: this.processEnv(), timeout: START_TIMEOUT_MS });
    return stdout;
  }

  /** Migrates as the rollout's Job would, then starts and waits for /readyz; `{ migrate: false }` starts on the schema as it is. */
  async start({ migrate = true } = {}): Promise<this> {
    if (migrate) await this.migrate();
    await this.listen();
    await eventually(
      async () => {
        if (this.exited()) throw new Error(`${this.module} exited with ${this.child!.exitCode}: ${this.output.join('')}`);
        expect((await fetch(`${this.url}/readyz`)).status).toBe(200);
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 100 },
    ).catch((error: Error) => {
      throw new Error(`${this.module} not ready: ${error.message}\n${this.output.join('').slice(-2000)}`);
    });
    return this;
  }

  /** Spawned and listening, ready or not. */
  async listen(): Promise<this> {
    // Generous: the machine's cores are shared with other suites, and several bundles start at once.
    const { child, url } = await spawnListening(this.bundle, this.processEnv(), this.output, START_TIMEOUT_MS).catch((error: Error) => {
      throw new Error(`${this.module} did not start: ${error.message.slice(-2000)}`);
    });
    this.child = child;
    this.url = url;
    return this;
  }

  exited(): boolean {
    return !isRunning(this.child);
  }

  /** SIGTERM, as Knative scales a pod down (SIGKILL after its grace, as Knative does); resolves when the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.child) return { code: null, signal: null };
    return endChild(this.child, signal);
  }
}
