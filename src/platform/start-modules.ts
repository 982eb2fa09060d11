import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CustomStrategy } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { z } from 'zod';
import { AppModule } from '../app.module';
import { eventsConfig } from '../events/events.config';
import { EventBusServer } from '../events/server/event-bus.server';
import { httpTransportConfig } from '../events/transport/http-transport.config';
import { parseConfig } from './config/define-config';
import { databaseConfig } from './database/database.config';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { httpConfig } from './http/http.config';
import { RunnableModule } from './runnable-module';

export interface RunningApp {
  app: NestFastifyApplication;
  url: string;
  stop(): Promise<void>;
}

const LOG_LEVELS: Record<string, LogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

type Namespace = { namespace: string; schema: z.ZodObject };

/** Every namespace is checked before Nest starts, so a bad value stops the process with one clear message. */
function checkConfiguration(modules: readonly RunnableModule[], env: NodeJS.ProcessEnv): void {
  const events = parseConfig(eventsConfig.namespace, eventsConfig.schema, env);
  const transport: Namespace[] = events.EVENT_TRANSPORT === 'http' ? [httpTransportConfig] : [];
  for (const config of [...transport, ...modules.flatMap((module): Namespace[] => [...module.configs])]) parseConfig(config.namespace, config.schema, env);
}

/** Builds and starts an entrypoint running `modules`, on Postgres (embedded when DATABASE_URL is unset). */
export async function startModules(modules: readonly RunnableModule[], env: NodeJS.ProcessEnv = process.env): Promise<RunningApp> {
  const http = parseConfig('http', httpConfig.schema, env);
  const database = parseConfig('database', databaseConfig.schema, env);
  checkConfiguration(modules, env);
  const embedded = database.DATABASE_URL ? undefined : await startEmbeddedPostgres(database.EMBEDDED_POSTGRES_DIR);
  const target = embedded ? { url: embedded.url, poolSize: embedded.maxConnections } : { url: database.DATABASE_URL!, poolSize: database.DATABASE_POOL_SIZE };

  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(
      AppModule.register({ modules, database: target }),
      new FastifyAdapter({ bodyLimit: http.HTTP_BODY_LIMIT }),
      { logger: LOG_LEVELS[http.LOG_LEVEL], abortOnError: false },
    );
    acceptCloudEventBodies(app);
    closeKeepAliveWhenClosing(app);
    app.enableShutdownHooks();
    app.connectMicroservice<CustomStrategy>({ strategy: app.get(EventBusServer) }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    await app.listen(http.PORT, '0.0.0.0');
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
