import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EVENT_TRANSPORT, EventTransport } from '../../events/transport/event-transport';
import { Readiness } from './readiness';

/** `/healthz`: the process is alive. `/readyz`: it can do its job (not shutting down, database reachable, migrations applied, transport connected). */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly readiness: Readiness,
    @Inject(EVENT_TRANSPORT) private readonly transport: EventTransport,
  ) {}

  @Get('healthz')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 503 with every indicator's state (not the generic error body): probes fail often and on purpose, so no error is logged. */
  @Get('readyz')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      return await this.health.check([
        () => this.shutdown(),
        () => this.database.pingCheck('database', { timeout: 1500 }),
        () => this.migrations(),
        () => this.transportState(),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      reply.status(503);
      return error.getResponse();
    }
  }

  private shutdown() {
    const session = this.indicators.check('shutdown');
    return this.readiness.draining ? session.down('draining before shutdown') : session.up();
  }

  private transportState() {
    const session = this.indicators.check('transport');
    const { up, reason } = this.transport.health?.() ?? { up: true };
    return up ? session.up() : session.down(reason ?? 'not connected');
  }

  private async migrations() {
    const session = this.indicators.check('migrations');
    return (await this.dataSource.showMigrations()) ? session.down('pending migrations') : session.up();
  }
}
