/**
 * Every error the application raises on purpose. `code` is stable (clients and dashboards match on it);
 * `kind` is mapped once at each edge: to an HTTP status by the exception filter, and to
 * "dead-letter now" (invalid) or "retry with backoff" (anything else) by the event router.
 */
export type ErrorKind = 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'unprocessable' | 'unavailable';

export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;

  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The caller is not (validly) authenticated: 401, and `challenge` is the WWW-Authenticate header telling how to be. */
export abstract class UnauthenticatedError extends AppError {
  readonly kind = 'unauthorized' as const;

  constructor(
    message: string,
    readonly challenge: string,
  ) {
    super(message);
  }
}

export const HTTP_STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  unavailable: 503,
};
