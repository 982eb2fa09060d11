import type { ArgumentsHost } from '@nestjs/common';
import { AppError } from '../../kernel/errors';
import { ErrorFilter } from './error.filter';

class BusyError extends AppError {
  readonly code = 'BUSY';
  readonly kind = 'unavailable' as const;
}

/** What the filter writes: status, headers and body, on a stand-in for Fastify's reply. */
function answerTo(exception: unknown, presetHeaders: Record<string, string> = {}) {
  const answer = { status: 0, headers: { ...presetHeaders } as Record<string, string>, body: undefined as unknown };
  const reply = {
    hasHeader: (name: string) => name in answer.headers,
    header: (name: string, value: string) => ((answer.headers[name] = value), reply),
    status: (code: number) => ((answer.status = code), reply),
    send: (body: unknown) => ((answer.body = body), reply),
  };
  const host = { getType: () => 'http', switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  new ErrorFilter().catch(exception, host);
  return answer;
}

describe('ErrorFilter', () => {
  it('answers a lost database connection with 503, Retry-After and no connection details', () => {
    const lost = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' });
    const answer = answerTo(lost);
    expect(answer).toEqual({ status: 503, headers: { 'retry-after': '5' }, body: expect.objectContaining({ code: 'DATABASE_UNAVAILABLE' }) });
    expect(JSON.stringify(answer.body)).not.toContain('10.1.2.3');
  });

  it('answers a value the database refused with 400, without the driver message', () => {
    const refused = Object.assign(new Error('unsupported Unicode escape sequence'), { name: 'QueryFailedError', driverError: Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' }) });
    const answer = answerTo(refused);
    expect(answer).toEqual({ status: 400, headers: {}, body: expect.objectContaining({ code: 'REQUEST_VALUE_REFUSED' }) });
    expect(JSON.stringify(answer.body)).not.toContain('Unicode');
  });

  it('gives every 503 a Retry-After, and keeps one a guard already set', () => {
    expect(answerTo(new BusyError('busy')).headers).toEqual({ 'retry-after': '1' });
    expect(answerTo(new BusyError('busy'), { 'retry-after': '30' }).headers).toEqual({ 'retry-after': '30' });
  });
});
