import { parseConfig } from '../config/define-config';
import { healthConfig } from './health.config';
import { Readiness } from './readiness';

const parse = (env: Record<string, string>) => parseConfig(healthConfig.namespace, healthConfig.schema, env);

describe('the health configuration', () => {
  it('refuses at start a SHUTDOWN_READINESS_GRACE the shutdown could not read, instead of failing at SIGTERM', () => {
    for (const grace of ['PT', 'P', 'P1DT', '1s', 'PT-1S']) {
      expect(() => parse({ SHUTDOWN_READINESS_GRACE: grace })).toThrow('SHUTDOWN_READINESS_GRACE: must be an ISO-8601 duration such as PT1S');
    }
  });

  it('accepts a grace the shutdown then waits out', async () => {
    const readiness = new Readiness(parse({ SHUTDOWN_READINESS_GRACE: 'PT0.01S' }));
    await expect(readiness.onModuleDestroy()).resolves.toBeUndefined();
    expect(parse({}).SHUTDOWN_READINESS_GRACE).toBe('PT0S');
  });
});
