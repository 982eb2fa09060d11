import { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { RunningApp, startApp } from '../../src/app/bootstrap';
import { ModuleDeclaration, publishedTypes } from '../../src/events';
import { MODULES } from '../../src/modules';
import { StartOptions, startModules } from '../../src/app/start-modules';
import { endChild, isRunning, spawnListening } from './child-process';
import { eventually } from './eventually';
import { createTestDatabase, TestDatabase } from './test-database';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
/** What external producers present at POST / (EVENTS_INGRESS_TOKEN). */
export const INGRESS_TOKEN = 'test-ingress-token-0123456789';

/**
 * The access every test app starts with unless a test says otherwise: customers are not authenticated (the
 * suites written before customer auth act for users by name; test/customer-auth.e2e-spec.ts covers JWTs) and
 * producers have an ingress token.
 */
export const TEST_ACCESS = { ADMIN_TOKEN, EVENTS_INGRESS_TOKEN: INGRESS_TOKEN, CUSTOMER_AUTH: 'off' };

export interface TestApp {
  url: string;
  /** The Nest application, for tests that watch a provider from inside. */
  app: RunningApp['app'];
  db: TestDatabase;
  /** JSON over HTTP; `admin` adds the bearer token. */
  http<T = any>(method: string, path: string, body?: unknown, options?: { admin?: boolean; headers?: Record<string, string> }): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

const QUIET = { LOG_LEVEL: 'error' };

/**
 * The monolith in this jest process, on a fresh database, listening on a free port. Its settings go into
 * process.env (Nest's config namespaces read it) and are taken out again on stop, so the next test's app does
 * not inherit them.
 */
export function startTestApp(env: Record<string, string> = {}, options: Partial<StartOptions> = {}): Promise<TestApp> {
  return startOnTestDatabase((settings) => startApp(settings, options), env);
}

/** Only `modules`, as a single-module entrypoint (src/split) runs them, otherwise as `startTestApp`. */
export function startTestModules(modules: readonly ModuleDeclaration[], env: Record<string, string> = {}): Promise<TestApp> {
  return startOnTestDatabase((settings) => startModules(modules, settings, { eventTypes: publishedTypes(Object.values(MODULES)) }), env);
}

async function startOnTestDatabase(start: (env: NodeJS.ProcessEnv) => Promise<RunningApp>, env: Record<string, string>): Promise<TestApp> {
  const db = await createTestDatabase();
  const restoreEnv = setEnv({ ...QUIET, ...TEST_ACCESS, PORT: '0', DATABASE_URL: db.url, EVENTS_OUTBOX_POLL_INTERVAL: 'PT0.2S', ...env });
  let running: RunningApp;
  try {
    running = await start(process.env);
  } catch (error) {
    restoreEnv();
    await db.drop();
    throw error;
  }
  return {
    url: running.url,
    app: running.app,
    db,
    http: (method, path, body, options) => request(running.url, method, path, body, options),
    stop: async () => {
      try {
        await running.stop();
        await db.drop();
      } finally {
        restoreEnv();
      }
    },
  };
}

/** Sets `values` in process.env; the function returned puts back what each key held before. */
function setEnv(values: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

export async function request<T = any>(base: string, method: string, path: string, body?: unknown, options: { admin?: boolean; headers?: Record<string, string> } = {}): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers };
  if (options.admin) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Extra node flags for spawned apps, e.g. `--cpu-prof` to profile a benchmark's processes. */
export function nodeArgs(): string[] {
  return process.env.BENCH_APP_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
}

/**
 * The built app (`dist/main.js`, or `main`) as a real child process, for tests that kill it. Build first
 * (`npm run build`). It listens on the port `env.PORT` names, else on one the kernel picks (see `url`);
 * MODULES makes it one module's process.
 */
export class AppProcess {
  private child?: ChildProcess;
  private listeningAt?: string;
  readonly output: string[] = [];

  constructor(
    private readonly env: Record<string, string>,
    private readonly main = resolve(__dirname, '../../dist/main.js'),
  ) {}

  /** Where the running process listens; a restart may get another port. */
  get url(): string {
    if (!this.listeningAt) throw new Error('the app process has not started');
    return this.listeningAt;
  }

  /** Resolves once /readyz answers 200 (database, migrations and transport ready). */
  async start(timeoutMs = 60_000): Promise<void> {
    const { child, url } = await spawnListening([...nodeArgs(), this.main], { ...process.env, ...QUIET, ...TEST_ACCESS, ...this.env }, this.output, timeoutMs);
    this.child = child;
    this.listeningAt = url;
    await eventually(
      async () => {
        if (!isRunning(child)) throw new Error(`app exited with ${child.exitCode}: ${this.output.join('')}`);
        const response = await fetch(`${url}/readyz`);
        if (response.status !== 200) throw new Error(`not ready: ${response.status} ${await response.text()}`);
      },
      { timeoutMs },
    );
  }

  /** The running process's id (undefined before start), for benchmarks that meter its CPU. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Everything the process wrote so far, as lines. */
  lines(): string[] {
    return this.output.join('').split('\n').filter(Boolean);
  }

  /**
   * Resolves with how the process ended (undefined when it was not running). A signal other than SIGKILL that
   * has not ended it within `STOP_GRACE_MS` is followed by SIGKILL.
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
    if (!isRunning(this.child)) return undefined;
    // A suspended process would keep SIGTERM pending until the grace ran out.
    if (signal !== 'SIGKILL') this.resume();
    return endChild(this.child!, signal);
  }

  /** Freezes the process (SIGSTOP) without ending it, as a long pause would: it neither heartbeats nor commits. */
  suspend(): void {
    if (isRunning(this.child)) this.child!.kill('SIGSTOP');
  }

  /** Lets a suspended process go on (SIGCONT) where it stopped. */
  resume(): void {
    if (isRunning(this.child)) this.child!.kill('SIGCONT');
  }
}
