import { DynamicModule, Module } from '@nestjs/common';
import { EventsModule, eventsMigrations } from './events';
import { MODULES, ModuleName } from './modules';
import { DatabaseModule, DatabaseTarget } from './platform/database/database.module';
import { HealthModule } from './platform/health/health.module';
import { LogLevel } from './platform/logging/log-options';
import { LoggingModule } from './platform/logging/logging.module';
import { MetricsModule } from './platform/metrics/metrics.module';
import { PlatformModule } from './platform/platform.module';
import { TracingModule } from './platform/tracing/tracing.module';

export interface AppOptions {
  /** The modules this process runs; every one in the monolith. */
  modules: readonly ModuleName[];
  database: DatabaseTarget;
  /** Least severe level logged (LOG_LEVEL); info when omitted. */
  logLevel?: LogLevel;
}

/** The composition root: the chosen modules, the event bus between them, and the platform under them. */
@Module({})
export class AppModule {
  static register({ modules, database, logLevel = 'info' }: AppOptions): DynamicModule {
    const chosen = modules.map((name) => MODULES[name]);
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot(logLevel),
        PlatformModule,
        DatabaseModule.forRoot(database, [...eventsMigrations, ...chosen.flatMap((module) => module.migrations)]),
        EventsModule,
        HealthModule,
        TracingModule,
        MetricsModule.forRoot({ orders: modules.includes('orders') }),
        ...chosen.map((module) => module.module),
      ],
    };
  }
}
