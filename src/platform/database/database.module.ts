import { DynamicModule, Logger, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { IncomingMessage } from 'node:http';
import * as pg from 'pg';
import { TRACEPARENT_KEY } from '../tracing/trace-scope';
import { childTraceparent } from '../tracing/trace-context';
import { DataSource, DataSourceOptions } from 'typeorm';
import { durationMs } from '../config/duration';
import { DatabaseConfig, databaseConfig } from './database.config';
import { migrate } from './migrate';
import { PreparedStatements, preparingClient } from './prepared-statements';
import { requestContextModule } from './request-context';
import { schemaBehindMessage, SchemaVersion } from './schema-version';

export type Migration = new () => object;

/** Where to connect, decided by the composition root (it may have started an embedded Postgres). */
export interface DatabaseTarget {
  url: string;
  poolSize: number;
  /** At start, apply pending migrations or only verify the schema is current (DATABASE_MIGRATIONS, docs/adr/0023). */
  migrations: 'apply' | 'verify';
}

/**
 * TypeORM on Postgres with the migrations of the modules this process runs (applied at start under an
 * advisory lock, or by the `migrate` command; never `synchronize`), the schema's version (one query at start,
 * /readyz down while it is behind), and transactions carried in async-local storage so services, the inbox and
 * the outbox share one without passing it around.
 */
@Module({})
export class DatabaseModule {
  static forRoot(target: DatabaseTarget, migrations: Migration[]): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [{ provide: SchemaVersion, inject: [getDataSourceToken()], useFactory: (dataSource: DataSource) => checkedSchemaVersion(dataSource, migrations) }],
      exports: [SchemaVersion],
      imports: [
        TypeOrmModule.forRootAsync({
          imports: [ConfigModule.forFeature(databaseConfig)],
          inject: [databaseConfig.KEY],
          useFactory: (config: DatabaseConfig) => ({
            type: 'postgres' as const,
            // Handed over rather than left to TypeORM's require-by-name, which a bundle (dist/split) cannot follow.
            driver: pg,
            url: target.url,
            migrations,
            migrationsRun: false,
            autoLoadEntities: true,
            synchronize: false,
            // Off: a failed query reaches its caller as an error, which logs it as JSON; TypeORM's own console
            // line is not JSON and prints the query's parameters, which may hold personal data.
            logging: false,
            // A bounded wait for a connection turns pool exhaustion or an unreachable database into a prompt 503
            // (src/platform/http/database-errors.ts) instead of a hang.
            extra: {
              max: Math.min(target.poolSize, config.DATABASE_POOL_SIZE),
              connectionTimeoutMillis: durationMs(config.DATABASE_CONNECT_TIMEOUT),
              Client: preparingClient(new PreparedStatements(config.DATABASE_PREPARED_STATEMENTS)),
            },
          }),
          // Migrations run before anything can use the connection, under a lock the other processes respect.
          dataSourceFactory: async (options?: DataSourceOptions) => {
            const dataSource = await new DataSource(options!).initialize();
            if (target.migrations === 'apply') await migrate(dataSource);
            return dataSource;
          },
        }),
        requestContextModule({
          global: true,
          middleware: {
            mount: true,
            setup: (cls, request: IncomingMessage) => cls.set(TRACEPARENT_KEY, childTraceparent(request.headers.traceparent)),
          },
          plugins: [
            new ClsPluginTransactional({
              imports: [TypeOrmModule],
              adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
            }),
          ],
        }),
      ],
    };
  }
}

/** The start's one schema check: a schema behind is logged once here, then reported by /readyz until migrated. */
async function checkedSchemaVersion(dataSource: DataSource, migrations: Migration[]): Promise<SchemaVersion> {
  const version = new SchemaVersion(dataSource, migrations);
  const missing = await version.missing();
  if (missing.length > 0) new Logger('Database').error({ msg: schemaBehindMessage(missing), code: 'SCHEMA_BEHIND', missing });
  return version;
}
