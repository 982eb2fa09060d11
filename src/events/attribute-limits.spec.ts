import { attributeProblem } from './attribute-limits';

const event = { specversion: '1.0' as const, id: 'e-1', source: '/orders', type: 'com.toolsku.order.created', subject: 'o-1', data: { note: 'x'.repeat(10_000) } };

describe('attributeProblem', () => {
  it('takes an ordinary event, data of any length included', () => {
    expect(attributeProblem({ ...event, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })).toBeUndefined();
  });

  it.each([
    ['a 12 KB id', { id: 'i'.repeat(12_048) }, 'attribute id is 12048 bytes, more than 256'],
    ['a long source', { source: 's'.repeat(1025) }, 'attribute source is 1025 bytes'],
    ['a long subject', { subject: 's'.repeat(200_000) }, 'attribute subject is 200000 bytes'],
    ['a long type', { type: 't'.repeat(257) }, 'attribute type is 257 bytes'],
    ['a long failedsubscription', { failedsubscription: 'f'.repeat(254) }, 'attribute failedsubscription is 254 bytes'],
    ['a long extension', { region: 'r'.repeat(4097) }, 'attribute region is 4097 bytes'],
    ['multi-byte text over the cap in bytes', { id: 'é'.repeat(129) }, 'attribute id is 258 bytes'],
    ['a NUL in the subject', { subject: 'o\u00001' }, 'attribute subject holds a NUL character or an unpaired surrogate'],
    ['a lone surrogate in an extension', { region: 'eu\ud800' }, 'attribute region holds a NUL character or an unpaired surrogate'],
    ['too many extensions', Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`x${i}`, 'v'])), 'more than 32 extensions'],
    ['a long extension name', { ['x'.repeat(65)]: 'v' }, 'an extension name is longer than 64 characters'],
  ])('refuses %s, naming the attribute but not its value', (_name, attributes, reason) => {
    const problem = attributeProblem({ ...event, ...attributes });
    expect(problem).toContain(reason);
    expect(problem!.length).toBeLessThan(100);
  });
});
