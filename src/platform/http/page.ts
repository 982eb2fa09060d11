import { z } from 'zod';
import { AppError } from '../../kernel/errors';
import { SafeText } from '../validation/safe-text';

/** Items a list answers with when the request names no `limit`, and the most it may ask for. */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 500;

export class InvalidCursorError extends AppError {
  readonly code = 'CURSOR_INVALID';
  readonly kind = 'invalid' as const;
}

/** The query fields of every paged list: an opaque `cursor` from the previous page and a `limit`. */
export const PageQuery = {
  cursor: SafeText.max(512).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
};

/** A page's schema, for the OpenAPI document (/docs). */
export const PageAnswer = (item: z.ZodType) => z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last.') });

/** One page of a list, newest first; `nextCursor` fetches the rest (null: this is the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Where a page ends, in the list's order (created_at DESC, id DESC): the last row's creation time as
 * Postgres wrote it (its text keeps the microseconds a JavaScript Date would lose) and its id.
 */
export interface PagePosition {
  at: string;
  id: string;
}

const PositionTime = z.string().regex(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d)?$/);

/**
 * The position a cursor stands for: base64url JSON, so clients treat it as opaque. `id` checks the list's own
 * ids (uuids unless told otherwise: an order's id is the text its producer chose).
 */
export function cursorPosition(cursor: string | undefined, id: z.ZodType<string> = z.uuid()): PagePosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    return z
      .object({ at: PositionTime, id })
      .strict()
      .parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidCursorError('cursor is not one this list gave out');
  }
}

/** The page of `rows`, queried with `limit + 1` so that a further page shows without another query. */
export function pageOf<R, T>(rows: R[], limit: number, position: (row: R) => PagePosition, view: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor = rows.length > limit && last ? Buffer.from(JSON.stringify(position(last))).toString('base64url') : null;
  return { items: items.map(view), nextCursor };
}
