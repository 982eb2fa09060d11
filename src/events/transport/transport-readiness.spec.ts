import { ReadinessChecks } from '../../platform/health/readiness-checks';
import { EventTransport } from './event-transport';
import { TransportReadiness } from './transport-readiness';

async function readyz(transport: Partial<EventTransport>) {
  const checks = new ReadinessChecks();
  new TransportReadiness(checks, { publish: async () => undefined, ...transport }).onModuleInit();
  return checks.run();
}

describe('the transport readiness check the bus registers', () => {
  it('is up for a transport that reports no health (in process)', async () => {
    expect(await readyz({})).toEqual({ transport: { status: 'up' } });
  });

  it('is down, without the reason, while the transport is disconnected', async () => {
    expect(await readyz({ health: () => ({ up: false, reason: 'broker kafka-0:9092 refused' }) })).toEqual({ transport: { status: 'down', message: 'not connected' } });
  });

  it('stays up while the sink is pending, saying published events wait', async () => {
    expect(await readyz({ sinkPending: true })).toEqual({ transport: { status: 'up', message: expect.stringContaining('sink pending') } });
  });
});
