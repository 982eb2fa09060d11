import { DynamicModule, Module } from '@nestjs/common';
import { EventsModule, EventsSchema1732500000000 } from './events';
import { DatabaseModule, DatabaseTarget } from './platform/database/database.module';
import { HealthModule } from './platform/health/health.module';
import { MetricsModule } from './platform/metrics/metrics.module';
import { PlatformModule } from './platform/platform.module';
import { RunnableModule } from './platform/runnable-module';

export interface AppOptions {
  /** The modules this process runs: every one in the monolith, one in a split entrypoint. */
  modules: readonly RunnableModule[];
  database: DatabaseTarget;
}

/**
 * The application assembled from the modules it is given, the event bus between them and the platform under
 * them. It imports no module itself, so a split bundle holds only the module its entrypoint names.
 */
@Module({})
export class AppModule {
  static register({ modules, database }: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule,
        DatabaseModule.forRoot(database, [EventsSchema1732500000000, ...modules.flatMap((module) => module.migrations)]),
        EventsModule,
        HealthModule,
        MetricsModule.forRoot({ orders: modules.some((module) => module.name === 'orders') }),
        ...modules.map((module) => module.module),
      ],
    };
  }
}
