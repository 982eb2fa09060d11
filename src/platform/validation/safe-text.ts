import { z } from 'zod';

/**
 * Text a request or an event may carry: no NUL (Postgres text and jsonb cannot hold it) and no unpaired
 * UTF-16 surrogate (it has no UTF-8 form: jsonb refuses its escape, a text column would store U+FFFD instead).
 */
export function isSafeText(value: string): boolean {
  return !UNSAFE.test(value);
}

const UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSAFE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired surrogates';

/** The string schema of every request and event field: chain `.min()`, `.max()`, `.regex()` as on `z.string()`. */
export const SafeText = z.string().refine(isSafeText, UNSAFE_TEXT_MESSAGE);
