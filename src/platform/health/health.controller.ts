import { Controller, Get, HttpStatus, Logger, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { ApiOperation, PUBLIC_ACCESS } from '../http/api-docs/api-operation';
import { schemaBehindMessage, SchemaVersion } from '../database/schema-version';
import { Readiness } from './readiness';
import { Check, ReadinessChecks } from './readiness-checks';

const PING_TIMEOUT_MS = 1500;

// What the probes answer, for /docs.
const CheckAnswer = z.object({ status: z.enum(['up', 'down']), message: z.string().optional() });
const Checks = z.record(z.string(), CheckAnswer);
const ReadinessAnswer = z.object({
  status: z.enum(['ok', 'error']),
  info: Checks,
  error: Checks,
  details: Checks.describe('shutdown, database, migrations, and those registered by the layers above (the bus: transport)'),
});

/**
 * `/healthz`: the process is alive. `/readyz`: it can do its job (not shutting down, database reachable,
 * migrations applied, and every check the layers above registered, such as the bus's transport), answered in Terminus's shape (`status`, `info`, `error`,
 * `details`). Written by hand rather than with @nestjs/terminus: Terminus looks its optional packages up on
 * disk (import.meta.resolve) when its indicators are created, and a bundled entrypoint (dist/split) has no
 * node_modules to find them in. The answer names the check that is down, never why: the database's or the
 * broker's own message (hosts, database names, driver text) goes to the log at debug level instead.
 */
@Controller()
export class HealthController {
  private readonly logger = new Logger('Readiness');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly readiness: Readiness,
    private readonly schema: SchemaVersion,
    private readonly checks: ReadinessChecks,
  ) {}

  @Get('healthz')
  @ApiOperation({ tag: 'operations', summary: 'Liveness probe', access: PUBLIC_ACCESS, responses: { 200: { description: 'The process is alive.', schema: z.object({ status: z.literal('ok') }) } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 503 with every indicator's state (not the generic error body): probes fail often and on purpose, so no error is logged. */
  @Get('readyz')
  @ApiOperation({
    tag: 'operations',
    summary: 'Readiness probe',
    description: "Terminus's shape; names the check that is down, never why (that goes to the debug log).",
    access: PUBLIC_ACCESS,
    responses: { 200: { description: 'Ready.', schema: ReadinessAnswer }, 503: { description: 'Not ready: draining, database unreachable, migrations pending or transport down.', schema: ReadinessAnswer } },
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const shutdown: Check = this.readiness.draining ? { status: 'down', message: 'draining before shutdown' } : { status: 'up' };
    const database = await this.ping();
    const migrations: Check = database.status === 'up' ? await this.migrations() : { status: 'down', message: 'database unreachable' };
    const details = { shutdown, database, migrations, ...(await this.checks.run()) };
    const up = Object.entries(details).filter(([, check]) => check.status === 'up');
    const down = Object.entries(details).filter(([, check]) => check.status === 'down');
    if (down.length > 0) reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: down.length > 0 ? 'error' : 'ok', info: Object.fromEntries(up), error: Object.fromEntries(down), details };
  }

  private async ping(): Promise<Check> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS)));
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
      return { status: 'up' };
    } catch (error) {
      this.logger.debug(`database check failed: ${(error as Error).message}`);
      return { status: 'down', message: 'database unreachable' };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Down, naming the migrations, while the schema is behind what this build knows (the migrate Job has not run). */
  private async migrations(): Promise<Check> {
    const missing = await this.schema.missing();
    return missing.length > 0 ? { status: 'down', message: schemaBehindMessage(missing) } : { status: 'up' };
  }
}
