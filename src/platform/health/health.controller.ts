import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EVENT_TRANSPORT, EventTransport } from '../../events/transport/event-transport';

/** `/healthz`: the process is alive. `/readyz`: it can do its job (database reachable, migrations applied, transport connected). */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(EVENT_TRANSPORT) private readonly transport: EventTransport,
  ) {}

  @Get('healthz')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 1500 }), () => this.migrations(), () => this.transportState()]);
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
