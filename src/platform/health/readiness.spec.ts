import { Readiness } from './readiness';

describe('Readiness', () => {
  it('turns false as shutdown begins and holds the shutdown for the grace period', async () => {
    const readiness = new Readiness({ SHUTDOWN_READINESS_GRACE: 'PT0.05S' });
    expect(readiness.draining).toBe(false);

    let graceOver = false;
    const stopping = readiness.onModuleDestroy().then(() => (graceOver = true));

    expect(readiness.draining).toBe(true);
    await Promise.resolve();
    expect(graceOver).toBe(false);
    await stopping;
    expect(graceOver).toBe(true);
  });
});
