import { Injectable } from '@nestjs/common';

export type Check = { status: 'up'; message?: string } | { status: 'down'; message: string };

/** A check a layer above the platform adds to /readyz; the message of a down check names what, never why. */
export type ReadinessCheck = () => Check | Promise<Check>;

/**
 * The checks /readyz runs besides the platform's own (shutdown, database, migrations). The layers above
 * register theirs when they start (the event bus: `transport`), so the platform never imports them.
 */
@Injectable()
export class ReadinessChecks {
  private readonly checks = new Map<string, ReadinessCheck>();

  /** `name` is the key /readyz reports the check under. */
  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async run(): Promise<Record<string, Check>> {
    const entries = [...this.checks].map(async ([name, check]) => [name, await check()] as const);
    return Object.fromEntries(await Promise.all(entries));
  }
}
