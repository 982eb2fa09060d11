import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { CloudEventRequest } from './cloud-events';

/** One server the benchmark starts: how to spawn it, the event its first delivery gets, how it says where it listens. */
export interface ServerUnderTest {
  name: string;
  args: string[];
  env: Record<string, string>;
  event: () => CloudEventRequest;
  /** `ipc`: the app reports `{ listening: url }` (src/app/report-listening.ts); `stdout`: a `{"port":n}` line. */
  reports: 'ipc' | 'stdout';
}

export interface Running {
  child: ChildProcess;
  url: string;
}

export interface ColdStart extends Running {
  /** spawn -> first 2xx answer to the server's event. */
  ms: number;
  /** CPU the process used up to that answer: less sensitive than wall time to the other load on the cores. */
  cpuMs: number;
}

const START_TIMEOUT_MS = 60_000;

/** Spawns the server with port 0 and resolves once it has said where it listens. */
export async function spawnServer(server: ServerUnderTest, node = process.execPath): Promise<Running> {
  const child = spawn(node, server.args, { env: { ...process.env, ...server.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe', ...(server.reports === 'ipc' ? (['ipc'] as const) : [])] });
  const output: string[] = [];
  child.stderr!.on('data', (chunk) => output.length < 50 && output.push(String(chunk)));
  const lines = createInterface({ input: child.stdout! });
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      if (server.reports === 'ipc') child.on('message', (message: { listening?: string }) => message.listening && resolve(message.listening));
      lines.on('line', (line) => {
        if (server.reports === 'stdout' && line.startsWith('{"port":')) resolve(`http://127.0.0.1:${JSON.parse(line).port}`);
        else if (output.length < 50) output.push(line);
      });
      child.once('exit', (code, signal) => reject(new Error(`${server.name} exited (${signal ?? code}) before listening: ${output.join('\n')}`)));
      timer = setTimeout(() => reject(new Error(`${server.name} not listening after ${START_TIMEOUT_MS} ms: ${output.join('\n')}`)), START_TIMEOUT_MS);
    });
    return { child, url };
  } catch (error) {
    await stop(child);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Spawns the server and POSTs its event as soon as it listens, again on a non-2xx, until a 2xx: the cold start. */
export async function coldStart(server: ServerUnderTest, node?: string): Promise<ColdStart> {
  const started = performance.now();
  const running = await spawnServer(server, node);
  for (let attempt = 0; ; attempt++) {
    const request = server.event();
    const response = await fetch(`${running.url}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
    const text = await response.text();
    if (response.ok) return { ...running, ms: performance.now() - started, cpuMs: cpuMs(running.child.pid!) };
    if (attempt >= 50) {
      await stop(running.child);
      throw new Error(`${server.name} answered ${response.status}: ${text.slice(0, 300)}`);
    }
  }
}

/** utime + stime from /proc/<pid>/stat, in clock ticks of 10 ms. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
