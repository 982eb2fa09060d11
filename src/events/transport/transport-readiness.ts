import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Check, ReadinessChecks } from '../../platform/health/readiness-checks';
import { EVENT_TRANSPORT, EventTransport } from './event-transport';

/** Adds `transport` to /readyz: down while the transport cannot move events (Kafka disconnected). */
@Injectable()
export class TransportReadiness implements OnModuleInit {
  private readonly logger = new Logger('Readiness');

  constructor(
    private readonly checks: ReadinessChecks,
    @Inject(EVENT_TRANSPORT) private readonly transport: EventTransport,
  ) {}

  onModuleInit(): void {
    this.checks.register('transport', () => this.state());
  }

  private state(): Check {
    const { up, reason } = this.transport.health?.() ?? { up: true };
    if (!up) {
      this.logger.debug(`transport check failed: ${reason ?? 'not connected'}`);
      return { status: 'down', message: 'not connected' };
    }
    // Ready all the same: deliveries are served, and a process with a sink dispatches what this one publishes.
    return this.transport.sinkPending ? { status: 'up', message: 'sink pending: no K_SINK yet, published events wait in the outbox' } : { status: 'up' };
  }
}
