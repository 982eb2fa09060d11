import type { OrderView } from './api';
import { printable, table, timelineTable } from './table';

describe('CLI tables', () => {
  it('align columns and show control characters from the service as ?', () => {
    expect(
      table(
        ['A', 'B'],
        [
          ['x', 'one'],
          ['long\x1b[31m', 'two'],
        ],
      ),
    ).toBe('A          B\nx          one\nlong?[31m  two');
    expect(printable('a\u009bb\nc')).toBe('a?b?c');
  });

  it('list an order timeline in the order things happened, failures between the attempts', () => {
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
    const order = {
      createdAt: at(0),
      timeline: [
        { type: 'com.toolsku.payment.request', id: 'e1', source: 'inventory', time: at(10), handledBy: [{ module: 'payment', subscription: 'payment-take', attempt: 2, outcome: 'handled', time: at(900) }] },
        { type: 'com.toolsku.payment.request', id: 'e1', source: 'inventory', time: at(20), module: 'payment', subscription: 'payment-take', attempt: 1, outcome: 'failed', errorCode: 'DOWN', error: 'gateway\ndown' },
      ],
    } as unknown as OrderView;
    expect(timelineTable(order).split('\n').slice(1)).toEqual([
      '+0.020s  payment.request  inventory  payment-take  1        failed   DOWN: gateway down',
      '+0.900s  payment.request  inventory  payment-take  2        handled',
    ]);
  });
});
