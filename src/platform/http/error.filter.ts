import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { Observable, throwError } from 'rxjs';
import { AppError, HTTP_STATUS_BY_KIND, UnauthenticatedError } from '../../kernel/errors';
import { databaseErrorOf } from './database-errors';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
}

/**
 * The one place errors become HTTP answers, as `{statusCode, error, message, code}`; database failures are
 * mapped first (bad data 400, unavailable 503), and every 503 says when to retry. For event handlers
 * (the rpc context) the error passes through untouched: the event router maps it to retry or dead letter.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => exception);
    const error = databaseErrorOf(exception) ?? exception;
    const body = this.toBody(error);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // A guard that sheds load may have said when to come back already (its own setting): that answer stands.
    if (body.statusCode === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', String(retryAfterOf(error)));
    if (exception instanceof UnauthenticatedError) void reply.header('www-authenticate', exception.challenge);
    void reply.status(body.statusCode).send(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof AppError) {
      const statusCode = HTTP_STATUS_BY_KIND[exception.kind];
      return { statusCode, error: STATUS_CODES[statusCode]!, message: exception.message, code: exception.code };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? exception.message);
      return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: Array.isArray(message) ? message.join('; ') : String(message) };
    }
    const statusCode = (exception as { statusCode?: number })?.statusCode;
    if (statusCode && statusCode >= 400 && statusCode < 500) {
      return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: (exception as Error).message, code: (exception as { code?: string }).code };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: STATUS_CODES[500]!, message: 'internal error' };
  }
}

/** Seconds a 503's sender should wait: the error's own hint, else one second. */
function retryAfterOf(error: unknown): number {
  return (error as { retryAfterSeconds?: number }).retryAfterSeconds ?? 1;
}
