import { NestFactory } from '@nestjs/core';
import { CustomStrategy } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { z } from 'zod';
import { AppModule } from './app.module';
import { eventsConfig } from '../events/events.config';
import { ingressConfig } from '../events/receiver/ingress.config';
import { EventBusServer } from '../events/server/event-bus.server';
import { holdOutboxWithoutSink, httpTransportConfig } from '../events/transport/http-transport.config';
import { kafkaConfig } from '../events/transport/kafka/kafka.config';
import { parseConfig } from '../platform/config/define-config';
import { databaseConfig } from '../platform/database/database.config';
import { startEmbeddedPostgres } from '../platform/database/embedded-postgres';
import { healthConfig } from '../platform/health/health.config';
import { customerAuthConfig } from '../platform/http/customers/customer-auth.config';
import { httpConfig } from '../platform/http/http.config';
import { QuietStartLogger } from '../platform/logging/quiet-start-logger';
import { ModuleDeclaration } from '../events/module-declaration';
import { reportAddress, reportStart } from './start-report';
import { tracingConfig } from '../platform/tracing/tracing.config';

/** What only some composition roots add, passed in so that the bundles without it do not carry it. */
export interface StartOptions {
  /** Serves /docs (src/platform/http/api-docs/serve-api-docs.ts) unless API_DOCS=off. */
  readonly apiDocs?: (app: NestFastifyApplication) => void;
  /**
   * The event type names the whole system publishes, not only `modules`: a process running some modules still
   * receives the others' events, and must tell a type it merely skips from one nobody publishes.
   */
  readonly eventTypes: readonly string[];
}

export interface RunningApp {
  app: NestFastifyApplication;
  url: string;
  stop(): Promise<void>;
}

type Namespace = { namespace: string; schema: z.ZodObject };

/** Every namespace is checked before Nest starts, so a bad value stops the process with one clear message. */
function checkConfiguration(modules: readonly ModuleDeclaration[], env: NodeJS.ProcessEnv): string {
  const events = parseConfig(eventsConfig.namespace, eventsConfig.schema, env);
  const transport: Namespace[] = events.EVENT_TRANSPORT === 'http' ? [httpTransportConfig] : [];
  const configs: Namespace[] = [kafkaConfig, ingressConfig, customerAuthConfig, healthConfig, tracingConfig, ...transport, ...modules.flatMap((module): Namespace[] => [...module.configs])];
  for (const config of configs) parseConfig(config.namespace, config.schema, env);
  return events.EVENT_TRANSPORT;
}

/** Builds and starts an entrypoint running `modules`, on Postgres (embedded when DATABASE_URL is unset). */
export async function startModules(modules: readonly ModuleDeclaration[], env: NodeJS.ProcessEnv = process.env, options: StartOptions): Promise<RunningApp> {
  const http = parseConfig('http', httpConfig.schema, env);
  const database = parseConfig('database', databaseConfig.schema, env);
  holdOutboxWithoutSink(env);
  const transport = checkConfiguration(modules, env);
  const embedded = database.DATABASE_URL ? undefined : await startEmbeddedPostgres(database.EMBEDDED_POSTGRES_DIR);
  const migrations = database.DATABASE_MIGRATIONS ?? 'apply';
  const target = embedded ? { url: embedded.url, poolSize: embedded.maxConnections, migrations } : { url: database.DATABASE_URL!, poolSize: database.DATABASE_POOL_SIZE, migrations };

  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(
      AppModule.register({ modules, eventTypes: options.eventTypes, database: target, logLevel: http.LOG_LEVEL, behindBroker: transport === 'http' }),
      new FastifyAdapter({ bodyLimit: http.HTTP_BODY_LIMIT }),
      { bufferLogs: true, abortOnError: false },
    );
    app.useLogger(new QuietStartLogger(app.get(Logger)));
    acceptCloudEventBodies(app);
    if (http.API_DOCS === 'on') options.apiDocs?.(app);
    closeKeepAliveWhenClosing(app);
    app.enableShutdownHooks();
    app.connectMicroservice<CustomStrategy>({ strategy: app.get(EventBusServer) }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    reportStart(app, modules, transport, database, env);
    await app.listen(http.PORT, '0.0.0.0');
    reportAddress(app);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : http.PORT;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await app.close();
      await embedded?.stop();
    },
  };
}

/** Structured and batch CloudEvents arrive as text; the CloudEvents SDK parses (and validates) them. */
function acceptCloudEventBodies(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser(['application/cloudevents+json', 'application/cloudevents-batch+json'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
}

/**
 * On SIGTERM the requests in flight finish, but their keep-alive connections would then hold the server's
 * close() open for Fastify's keep-alive timeout (72 s, longer than Knative waits): answers sent once closing
 * has begun ask the client to close the connection instead.
 */
function closeKeepAliveWhenClosing(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
