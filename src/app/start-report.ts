import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { resolve } from 'node:path';
import { SubscriptionRegistry } from '../events/delivery/subscription-registry';
import { httpTransportConfig } from '../events/transport/http-transport.config';
import { kafkaConfig } from '../events/transport/kafka/kafka.config';
import { appVersion } from '../platform/app-version';
import { parseConfig } from '../platform/config/define-config';
import { DatabaseConfig } from '../platform/database/database.config';
import { accessSummary } from './access-summary';
import { ModuleDeclaration } from '../events/module-declaration';

/**
 * What a start says at info, in a handful of lines: version, modules, how events travel, which database, who
 * may call what, and where it listens. Never a credential: the database is named by host and name only.
 */
export function reportStart(app: NestFastifyApplication, modules: readonly ModuleDeclaration[], transport: string, database: DatabaseConfig, env: NodeJS.ProcessEnv): void {
  const logger = new Logger('Startup');
  const version = appVersion();
  logger.log({ msg: `toolsku-order-events ${version} on Node ${process.version}`, version, node: process.version });
  logger.log(modulesLine(app, modules));
  logger.log({ msg: `events: ${transportOf(transport, env)}`, transport });
  logger.log({ msg: `database: ${databaseOf(database)}` });
  const { msg, open } = accessSummary(env, transport);
  if (open) logger.warn(msg);
  else logger.log(msg);
}

export function reportAddress(app: NestFastifyApplication): void {
  const address = app.getHttpServer().address();
  const url = typeof address === 'object' && address ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : String(address);
  new Logger('Startup').log({ msg: `listening on ${url}`, url });
}

/** One line for every module this process runs, with each one's subscriptions as a field. */
function modulesLine(app: NestFastifyApplication, modules: readonly ModuleDeclaration[]): object {
  const subscriptions = app.get(SubscriptionRegistry).all();
  const names = modules.map(({ name }) => name);
  const byModule = Object.fromEntries(names.map((name) => [name, subscriptions.filter((subscription) => subscription.subscriber === name).map((subscription) => `${subscription.name} <- ${subscription.contract.name}`)]));
  const count = Object.values(byModule).flat().length;
  return { msg: `modules: ${names.join(', ')} (${count} subscription${count === 1 ? '' : 's'})`, modules: names, subscriptions: byModule };
}

function transportOf(transport: string, env: NodeJS.ProcessEnv): string {
  if (transport === 'kafka') {
    const kafka = parseConfig(kafkaConfig.namespace, kafkaConfig.schema, env);
    return `over Kafka (${kafka.KAFKA_BROKERS?.join(',')}, topic ${kafka.KAFKA_TOPIC})`;
  }
  if (transport === 'http') {
    const sink = parseConfig(httpTransportConfig.namespace, httpTransportConfig.schema, env).K_SINK;
    return sink ? `over HTTP to ${withoutSecrets(sink)} (K_SINK)` : 'over HTTP, K_SINK unset: what this process publishes waits in the outbox';
  }
  return 'in process';
}

function databaseOf(database: DatabaseConfig): string {
  if (!database.DATABASE_URL) return `embedded Postgres (PGlite) in ${resolve(database.EMBEDDED_POSTGRES_DIR)}`;
  const url = new URL(database.DATABASE_URL);
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  return `Postgres ${host}:${url.port || 5432}, database ${decodeURIComponent(url.pathname.slice(1)) || '(the user name)'}`;
}

/** Scheme, host and path of a URL: no user, password or query. */
function withoutSecrets(address: string): string {
  const url = new URL(address);
  return `${url.protocol}//${url.host}${url.pathname}`;
}
