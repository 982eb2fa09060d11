import { LoggerService } from '@nestjs/common';

/** Nest's own start-up lines: one per module wired, per controller and route mapped, and "started". */
const NEST_START_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication', 'NestMicroservice']);

/**
 * The app's logger with Nest's start-up lines (70-odd on the monolith) moved from info to debug, so a start says
 * at info only what src/platform/start-report.ts reports. Warnings and errors from those contexts stay as they are.
 */
export class QuietStartLogger implements LoggerService {
  constructor(private readonly logger: LoggerService & Required<Pick<LoggerService, 'debug' | 'verbose' | 'fatal'>>) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = params.at(-1);
    if (typeof context === 'string' && NEST_START_CONTEXTS.has(context)) this.logger.debug(message, ...params);
    else this.logger.log(message, ...params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.logger.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.logger.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.logger.debug(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.logger.verbose(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.logger.fatal(message, ...params);
  }
}
