import { AppError } from '../../kernel/errors';

/** A value the database refused (bad encoding, out of range, too long for an index): the request must change. */
export class DatabaseRefusedValueError extends AppError {
  readonly code = 'REQUEST_VALUE_REFUSED';
  readonly kind = 'invalid' as const;
}

/** The database cannot be reached or is going away: the same request may succeed later. */
export class DatabaseUnavailableError extends AppError {
  readonly code = 'DATABASE_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
  readonly retryAfterSeconds = 5;
}

/**
 * SQLSTATEs a retry cannot fix: data exceptions (class 22: bad encoding, NUL, out of range), not-null,
 * foreign-key and check violations, and program limits (54000: "index row requires N bytes").
 */
const REFUSED_VALUE = /^(22...|23502|23503|23514|54000)$/;

/** SQLSTATEs and socket errors a retry can fix: connection failures (08), shutdown (57P0x), overload, conflicts. */
const UNAVAILABLE = /^(08...|57P0[1-4]|53300|40001|40P01|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/;

/** pg and pg-pool raise these without a code: an acquire timeout, a connection lost mid-query, a query on a client closing after one. */
const UNAVAILABLE_MESSAGE =
  /timeout exceeded when trying to connect|Connection terminated|connection timeout|Client has encountered a connection error|Client was closed and is not queryable|Connection is not established/i;

/**
 * The application error a database failure means to a caller, or undefined when it is not one. The driver's
 * message stays in the log: it may name hosts, tables or the value, none of which belongs in an answer.
 */
export function databaseErrorOf(error: unknown): AppError | undefined {
  for (const failure of causesOf(error)) {
    const code = String((failure as { code?: unknown }).code ?? '');
    if (REFUSED_VALUE.test(code)) return new DatabaseRefusedValueError('the request holds a value that cannot be stored');
    if (UNAVAILABLE.test(code) || UNAVAILABLE_MESSAGE.test(failure.message)) return new DatabaseUnavailableError('the database is unavailable; retry later');
  }
  return undefined;
}

/** The error and what it wraps: TypeORM keeps pg's error as `driverError`, others as `cause`. */
function causesOf(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let next: unknown = error; next instanceof Error && chain.length < 4;) {
    chain.push(next);
    const wrapped = next as { driverError?: unknown; cause?: unknown };
    next = wrapped.driverError ?? wrapped.cause;
  }
  return chain;
}
