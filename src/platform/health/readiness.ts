import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { durationMs } from '../config/duration';
import { HealthConfig, healthConfig } from './health.config';

/**
 * Whether this process still wants traffic. Shutdown turns it off first: Nest runs every onModuleDestroy
 * before any beforeApplicationShutdown, where the event bus drains its deliveries, and before the HTTP
 * server closes, so /readyz answers 503 for the whole drain (and the grace period before it).
 */
@Injectable()
export class Readiness implements OnModuleDestroy {
  private readonly logger = new Logger(Readiness.name);
  private shuttingDown = false;

  constructor(@Inject(healthConfig.KEY) private readonly config: HealthConfig) {}

  get draining(): boolean {
    return this.shuttingDown;
  }

  async onModuleDestroy(): Promise<void> {
    this.shuttingDown = true;
    const grace = durationMs(this.config.SHUTDOWN_READINESS_GRACE);
    this.logger.log({ msg: `shutting down: not ready, draining in ${grace} ms`, grace_ms: grace });
    if (grace > 0) await sleep(grace);
  }
}
