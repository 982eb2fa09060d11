import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SinkCredentials } from './sink-credentials';

describe('SinkCredentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sink-credentials-'));

  it('presents nothing when no token is mounted', () => {
    expect(new SinkCredentials(join(dir, 'absent')).headers()).toEqual({});
  });

  it('presents the mounted token, and a renewed one once it is read again', () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'first-token\n');
    let now = 0;
    const credentials = new SinkCredentials(file, () => now);

    expect(credentials.headers()).toEqual({ authorization: 'Bearer first-token' });
    writeFileSync(file, 'renewed-token');
    expect(credentials.headers()).toEqual({ authorization: 'Bearer first-token' });
    now = 30_000;
    expect(credentials.headers()).toEqual({ authorization: 'Bearer renewed-token' });
  });
});
