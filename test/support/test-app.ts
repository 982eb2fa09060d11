import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { RunningApp, startApp } from '../../src/platform/bootstrap';
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

/** The monolith in this jest process, on a fresh database, listening on a free port. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  Object.assign(process.env, { ...QUIET, ...TEST_ACCESS, PORT: '0', DATABASE_URL: db.url, EVENTS_OUTBOX_POLL_INTERVAL: 'PT0.2S' }, env);
  let running: RunningApp;
  try {
    running = await startApp();
  } catch (error) {
    await db.drop();
    throw error;
  }
  return {
    url: running.url,
    app: running.app,
    db,
    http: (method, path, body, options) => request(running.url, method, path, body, options),
    stop: async () => {
      await running.stop();
      await db.drop();
    },
  };
}

export async function request<T = any>(base: string, method: string, path: string, body?: unknown, options: { admin?: boolean; headers?: Record<string, string> } = {}): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers };
  if (options.admin) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Ports this process has handed out: each goes to one child, which may not have bound it yet. */
const handedOut = new Set<number>();

/**
 * A TCP port nobody listens on right now and this process has not handed out before (for a child process,
 * which cannot report the port 0 gave it). The kernel may give a just-closed port again; two children told
 * the same port would leave one failing to bind while the other answers for both.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    server.close();
    await once(server, 'close');
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

/** Extra node flags for spawned apps, e.g. `--cpu-prof` to profile a benchmark's processes. */
export function nodeArgs(): string[] {
  return process.env.BENCH_APP_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
}

/**
 * The built app (`dist/main.js`, or `main`) as a real child process, for tests that kill it. Build first
 * (`npm run build`). `env` needs a PORT; MODULES makes it one module's process.
 */
export class AppProcess {
  private child?: ChildProcess;
  readonly output: string[] = [];

  constructor(
    private readonly env: Record<string, string>,
    private readonly main = resolve(__dirname, '../../dist/main.js'),
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.env.PORT}`;
  }

  /** Resolves once /readyz answers 200 (database, migrations and transport ready). */
  async start(timeoutMs = 20_000): Promise<void> {
    this.child = spawn(process.execPath, [...nodeArgs(), this.main], { env: { ...process.env, ...QUIET, ...TEST_ACCESS, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk) => this.output.push(String(chunk)));
    this.child.stderr!.on('data', (chunk) => this.output.push(String(chunk)));
    await eventually(async () => {
      if (this.child!.exitCode !== null) throw new Error(`app exited with ${this.child!.exitCode}: ${this.output.join('')}`);
      const response = await fetch(`http://127.0.0.1:${this.env.PORT}/readyz`);
      if (response.status !== 200) throw new Error(`not ready: ${response.status} ${await response.text()}`);
    }, { timeoutMs });
  }

  /** The running process's id (undefined before start), for benchmarks that meter its CPU. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Everything the process wrote so far, as lines. */
  lines(): string[] {
    return this.output.join('').split('\n').filter(Boolean);
  }

  /** Resolves with how the process ended (undefined when it was not running). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return undefined;
    const exited = once(this.child, 'exit');
    this.child.kill(signal);
    const [code, endedBy] = (await exited) as [number | null, NodeJS.Signals | null];
    return { code, signal: endedBy };
  }
}
