import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface, Interface } from 'node:readline';

const SERVER = resolve(__dirname, 'throwaway-postgres-server.cjs');

type Reply = { url?: string; done?: string; error?: string };

/**
 * A real Postgres cluster on a free port of 127.0.0.1 in a temporary directory, removed on `stop()` (or when this
 * process ends). It runs under a small Node process of its own (throwaway-postgres-server.cjs), which tests drive
 * to crash and restart the server.
 */
export class ThrowawayPostgres {
  private constructor(
    private readonly server: ChildProcess,
    private readonly replies: AsyncIterator<string>,
    private readonly lines: Interface,
    /** The admin URL (database `postgres`). */
    readonly url: string,
  ) {}

  static async start(): Promise<ThrowawayPostgres> {
    const server = spawn(process.execPath, [SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: server.stdout! });
    const replies = lines[Symbol.asyncIterator]();
    const first = await next(replies);
    if (!first.url) throw new Error(first.error);
    return new ThrowawayPostgres(server, replies, lines, first.url);
  }

  /** SIGKILL to the server and all its processes at once, as a crash of the machine would end them. */
  kill(): Promise<void> {
    return this.command('kill');
  }

  /** Starts the server again on the same port after `kill()`; it recovers from its WAL before accepting connections. */
  restart(): Promise<void> {
    return this.command('restart');
  }

  /** Stops the server and removes its files. */
  async stop(): Promise<void> {
    if (this.server.exitCode !== null) return;
    const exited = once(this.server, 'exit');
    await this.command('stop');
    await exited;
    this.lines.close();
  }

  private async command(name: string): Promise<void> {
    this.server.stdin!.write(`${name}\n`);
    const reply = await next(this.replies);
    if (reply.error) throw new Error(reply.error);
  }
}

async function next(replies: AsyncIterator<string>): Promise<Reply> {
  const { value, done } = await replies.next();
  if (done) throw new Error('throwaway Postgres: its server process ended');
  return JSON.parse(value) as Reply;
}
