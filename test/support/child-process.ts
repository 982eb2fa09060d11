import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** How long a child may take to end after SIGTERM before SIGKILL ends it (Kubernetes' default grace). */
export const STOP_GRACE_MS = 30_000;

/** A built entrypoint running as a child, with the URL it reported. */
export interface ListeningChild {
  child: ChildProcess;
  url: string;
}

/**
 * Spawns `node args` with PORT=0 unless `env` names a port, and resolves once the app reports over IPC where it
 * listens (src/app/report-listening.ts): the child binds the port itself, so no other process can take it
 * first. `output` collects what it writes.
 */
export async function spawnListening(args: string[], env: NodeJS.ProcessEnv, output: string[], timeoutMs: number): Promise<ListeningChild> {
  const child = spawn(process.execPath, args, { env: { PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  child.stdout!.on('data', (chunk) => output.push(String(chunk)));
  child.stderr!.on('data', (chunk) => output.push(String(chunk)));
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.on('message', (message: { listening?: string }) => message.listening && resolve(message.listening));
      child.once('exit', (code, signal) => reject(new Error(`exited (${signal ?? code}) before listening: ${output.join('')}`)));
      timer = setTimeout(() => reject(new Error(`not listening after ${timeoutMs} ms: ${output.join('')}`)), timeoutMs);
    });
    return { child, url };
  } catch (error) {
    await endChild(child, 'SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export function isRunning(child: ChildProcess | undefined): boolean {
  return !!child && child.exitCode === null && child.signalCode === null;
}

/**
 * Sends `signal` and resolves with how the child ended; SIGKILL follows when `signal` has not ended it within
 * `graceMs`, so a hung shutdown fails the test that caused it (it sees SIGKILL) instead of leaving a process behind.
 */
export async function endChild(child: ChildProcess, signal: NodeJS.Signals, graceMs = STOP_GRACE_MS): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (!isRunning(child)) return { code: child.exitCode, signal: child.signalCode as NodeJS.Signals | null };
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  child.kill(signal);
  const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    const [code, endedBy] = await exited;
    return { code, signal: endedBy };
  } finally {
    clearTimeout(timer);
  }
}
