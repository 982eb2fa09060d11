import type { RunningApp } from './start-modules';

/**
 * Tells the process that started this one with an IPC channel (a test, a benchmark) where the app listens: with
 * PORT=0 the kernel picks a free port, and only this process learns which. Without such a channel (a container,
 * a shell) it does nothing.
 */
export function reportListening({ url }: RunningApp): void {
  if (!process.send) return;
  process.send({ listening: url });
  // The channel must not keep the process alive once the app has closed.
  process.channel?.unref();
}
