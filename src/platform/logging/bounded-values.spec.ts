import { Writable } from 'node:stream';
import { pino } from 'pino';
import { LOG_VALUE_LIMIT } from './bounded-values';
import { logOptions, requestLogOptions } from './log-options';

/** A logger with the app's options writing into memory. */
function capturingLogger(): { logger: pino.Logger; written: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (chunks.push(String(chunk)), done()) });
  return { logger: pino(logOptions('info'), sink), written: () => chunks.join('') };
}

describe('log lines', () => {
  const subject = 's'.repeat(200_000);

  it('bound every string of an event with a 200 KB subject: fields, nested fields, message and its arguments', () => {
    const { logger, written } = capturingLogger();
    // The shape of a delivery line (src/events/delivery/delivery-journal.ts) as nestjs-pino hands it to pino.
    logger.warn({ context: 'EventDelivery', msg: `orders-record failed ${subject}`, id: 'e-1', subject, attempt: 1, detail: { subject, tags: [subject] } });
    logger.error(`could not record the failed attempt of ${subject}`);
    logger.info('event %s', subject);
    const lines = written().trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(Buffer.byteLength(written())).toBeLessThan(12 * LOG_VALUE_LIMIT);
    const delivery = JSON.parse(lines[0]);
    expect(delivery).toMatchObject({ level: 'warn', id: 'e-1', attempt: 1, context: 'EventDelivery' });
    expect(delivery.subject).toBe(`${'s'.repeat(LOG_VALUE_LIMIT)}…[${200_000 - LOG_VALUE_LIMIT} more characters]`);
    expect(delivery.detail.tags[0]).toBe(delivery.subject);
  });

  it('keep short values as they are, and still redact credentials', () => {
    const { logger, written } = capturingLogger();
    logger.info({ id: 'e-1', subject: 'order-1', token: 'secret-value' }, 'handled');
    expect(JSON.parse(written())).toMatchObject({ msg: 'handled', id: 'e-1', subject: 'order-1', token: '[redacted]' });
  });

  it('bound the URL of the request log', () => {
    const serializers = requestLogOptions('info').serializers as { req: (request: { id: number; method: string; url: string }) => { url: string } };
    expect(serializers.req({ id: 1, method: 'GET', url: `/orders/${subject}` }).url.length).toBeLessThan(LOG_VALUE_LIMIT + 40);
  });
});
