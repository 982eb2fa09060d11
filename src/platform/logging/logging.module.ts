import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { LogLevel, requestLogOptions } from './log-options';

/**
 * Every log line of the app as JSON through one pino logger: Nest's own messages, the request log
 * (pino-http as Nest middleware) and the event bus's delivery lines. See docs/adr/0007.
 */
@Module({})
export class LoggingModule {
  static forRoot(level: LogLevel): DynamicModule {
    // nestjs-pino's default route, `{/*splat}`, matches no request under the Fastify adapter's middleware: name every path the Fastify way.
    const everyRoute = { path: '/{*path}', method: RequestMethod.ALL };
    return { module: LoggingModule, imports: [LoggerModule.forRoot({ pinoHttp: requestLogOptions(level), forRoutes: [everyRoute] })] };
  }
}
