import { databaseErrorOf, DatabaseRefusedValueError, DatabaseUnavailableError } from './database-errors';

function pgError(code: string, message = 'driver says so'): Error {
  return Object.assign(new Error(message), { code });
}

/** TypeORM's QueryFailedError: the driver's error as `driverError`, its fields copied. */
function queryFailed(driverError: Error): Error {
  return Object.assign(new Error(driverError.message), { name: 'QueryFailedError', driverError, code: (driverError as { code?: string }).code });
}

describe('databaseErrorOf', () => {
  it.each([
    ['22P05 (untranslatable character)', '22P05'],
    ['22021 (invalid byte sequence)', '22021'],
    ['23502 (not null)', '23502'],
    ['54000 (index row too big)', '54000'],
  ])('maps %s to a 400-kind refused value, without the driver message', (_name, code) => {
    const mapped = databaseErrorOf(queryFailed(pgError(code, 'index row requires 12048 bytes, maximum size is 8191')));
    expect(mapped).toBeInstanceOf(DatabaseRefusedValueError);
    expect(mapped).toMatchObject({ kind: 'invalid', code: 'REQUEST_VALUE_REFUSED' });
    expect(mapped!.message).not.toMatch(/12048|index/);
  });

  it.each([
    ['connection refused', pgError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.7:5432')],
    ['admin shutdown', queryFailed(pgError('57P01', 'terminating connection due to administrator command'))],
    ['a connection failure', pgError('08006')],
    ['a pool acquire timeout', new Error('timeout exceeded when trying to connect')],
    ['a lost connection', queryFailed(new Error('Connection terminated unexpectedly'))],
    ['a query on a client closed after its connection was lost', queryFailed(new Error('Client was closed and is not queryable'))],
  ])('maps %s to a 503-kind unavailable with a retry hint, without connection details', (_name, error) => {
    const mapped = databaseErrorOf(error);
    expect(mapped).toBeInstanceOf(DatabaseUnavailableError);
    expect(mapped).toMatchObject({ kind: 'unavailable', code: 'DATABASE_UNAVAILABLE', retryAfterSeconds: 5 });
    expect(mapped!.message).not.toMatch(/10\.0\.0\.7|5432|administrator/);
  });

  it('leaves other errors alone', () => {
    expect(databaseErrorOf(pgError('42P01'))).toBeUndefined();
    expect(databaseErrorOf(new Error('a bug'))).toBeUndefined();
    expect(databaseErrorOf('not an error')).toBeUndefined();
  });
});
