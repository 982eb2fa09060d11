import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Jest global setup: builds `dist/` once, before any suite starts. Suites that spawn the built app used to
 * build it themselves, and two builds rewriting `dist/` in parallel let a process start on a half-written file.
 */
export default function buildOnce(): void {
  execFileSync('npm', ['run', 'build'], { cwd: resolve(__dirname, '../..'), stdio: 'pipe' });
}
