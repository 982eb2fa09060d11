import { SafeText } from './safe-text';

describe('SafeText', () => {
  const field = SafeText.min(1).max(8);

  it('accepts text, emoji (a paired surrogate) included, and keeps the chained checks', () => {
    expect(field.safeParse('ok 😀').success).toBe(true);
    expect(field.safeParse('').success).toBe(false);
    expect(field.safeParse('far too long').success).toBe(false);
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a lone high surrogate', 'x\ud800'],
    ['a lone low surrogate', '\udc00x'],
    ['two high surrogates', '\ud83d\ud83d'],
  ])('refuses %s', (_name, value) => {
    const result = field.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toMatch(/NUL characters or unpaired surrogates/);
  });
});
