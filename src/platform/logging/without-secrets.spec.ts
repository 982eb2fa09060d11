import { withoutSecrets } from './without-secrets';

describe('withoutSecrets', () => {
  const env = { DATABASE_URL: 'postgres://app:s3cret%2Fpw@db:5432/orders', ADMIN_TOKEN: 'admin-token-0123456789' };

  it('blanks the DATABASE_URL password (as written and decoded) and the admin token', () => {
    const text = 'connect postgres://app:s3cret%2Fpw@db:5432/orders failed (s3cret/pw); Bearer admin-token-0123456789';
    expect(withoutSecrets(text, env)).toBe('connect postgres://app:[redacted]@db:5432/orders failed ([redacted]); Bearer [redacted]');
  });

  it('blanks the ingress token', () => {
    expect(withoutSecrets('Bearer ingress-token-0123456789', { EVENTS_INGRESS_TOKEN: 'ingress-token-0123456789' })).toBe('Bearer [redacted]');
  });

  it('finds the password of a URL the URL parser refuses, and leaves text alone when there is none', () => {
    expect(withoutSecrets('bad url x://u:pw-secret@', { DATABASE_URL: 'x://u:pw-secret@' })).toBe('bad url x://u:[redacted]@');
    expect(withoutSecrets('nothing to hide', { DATABASE_URL: 'postgres://app@db/orders' })).toBe('nothing to hide');
  });
});
