import { DynamicModule, Module } from '@nestjs/common';
import { EventsModule, eventsMigrations } from '../events';
import { DatabaseModule, DatabaseTarget } from '../platform/database/database.module';
import { HealthModule } from '../platform/health/health.module';
import { LogLevel } from '../platform/logging/log-options';
import { LoggingModule } from '../platform/logging/logging.module';
import { MetricsModule } from '../platform/metrics/metrics.module';
import { PlatformModule } from '../platform/platform.module';
import { ModuleDeclaration } from '../events';
import { TracingModule } from '../platform/tracing/tracing.module';

export interface AppOptions {
  /** The modules this process runs: every one in the monolith, one in a split entrypoint. */
  modules: readonly ModuleDeclaration[];
  /** The event type names every module of the system publishes, those it runs or not (publishedTypes of the list). */
  eventTypes: readonly string[];
  database: DatabaseTarget;
  /** Least severe level logged (LOG_LEVEL); info when omitted. */
  logLevel?: LogLevel;
  /** Behind a Knative Broker (EVENT_TRANSPORT=http): the modules' Broker-only endpoints are routed too. */
  behindBroker?: boolean;
}

/**
 * The application assembled from the modules it is given, the event bus between them and the platform under
 * them. It imports no module itself, so a split bundle holds only the module its entrypoint names.
 */
@Module({})
export class AppModule {
  static register({ modules, eventTypes, database, logLevel = 'info', behindBroker = false }: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot(logLevel),
        PlatformModule,
        DatabaseModule.forRoot(database, [...eventsMigrations, ...modules.flatMap((module) => module.migrations)]),
        EventsModule.forRoot({ eventTypes }),
        HealthModule,
        TracingModule,
        MetricsModule.forRoot(),
        ...modules.map((module) => module.module),
        ...modules.flatMap((module) => (behindBroker && module.brokerEndpoints ? [module.brokerEndpoints] : [])),
      ],
    };
  }
}
