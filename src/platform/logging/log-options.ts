import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerOptions, stdTimeFunctions } from 'pino';
import type { Options } from 'pino-http';
import { boundedText, boundedValues } from './bounded-values';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Paths pino blanks wherever a log line carries them: credentials must never reach a log. */
const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]', 'password', 'token', 'secret', 'DATABASE_URL', 'ADMIN_TOKEN'];

/** Probes and scrapes every few seconds would drown the request log. */
const UNLOGGED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One JSON object per line on stdout, ISO times, level names rather than numbers, and every string value
 * (the message, its arguments, the fields) bounded to LOG_VALUE_LIMIT characters.
 */
export function logOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }), log: boundedValues },
    hooks: {
      logMethod(args, method) {
        return method.apply(this, args.map((arg) => (typeof arg === 'string' ? boundedText(arg) : arg)) as Parameters<typeof method>);
      },
    },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
}

/** The request log: one line per request with method, URL, status and time; never headers or bodies. */
export function requestLogOptions(level: LogLevel): Options<IncomingMessage, ServerResponse> {
  return {
    ...logOptions(level),
    // Lines logged while a request is handled carry its whole `req`, not a `reqId`: one child logger per request
    // instead of two, a child of a child being ~8% of a delivery's CPU (docs/performance.md).
    quietReqLogger: false,
    // Nest's Fastify middleware may rewrite `url`; `originalUrl` keeps the path asked for.
    autoLogging: { ignore: (request) => UNLOGGED_PATHS.has(pathOf(request as IncomingMessage & { originalUrl?: string })) },
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      req: (request: { id: unknown; method: string; url: string }) => ({ id: request.id, method: request.method, url: boundedText(request.url) }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
  };
}

function pathOf(request: IncomingMessage & { originalUrl?: string }): string {
  return (request.originalUrl ?? request.url ?? '').split('?')[0];
}
