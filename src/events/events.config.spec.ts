import { parseConfig } from '../platform/config/define-config';
import { eventsConfig } from './events.config';

const parse = (env: Record<string, string>) => parseConfig(eventsConfig.namespace, eventsConfig.schema, env);

describe('the events configuration', () => {
  it("reads the extensions Knative's K_CE_OVERRIDES asks every emitted event to carry", () => {
    expect(parse({ K_CE_OVERRIDES: '{"extensions":{"tenant":"acme","region2":"eu"}}' }).K_CE_OVERRIDES).toEqual({ tenant: 'acme', region2: 'eu' });
    expect(parse({ K_CE_OVERRIDES: '{}' }).K_CE_OVERRIDES).toEqual({});
    expect(parse({}).K_CE_OVERRIDES).toBeUndefined();
  });

  it('stops at start on overrides that are not JSON or name something that cannot be a CloudEvents attribute', () => {
    expect(() => parse({ K_CE_OVERRIDES: '{extensions' })).toThrow('invalid events configuration:\n  K_CE_OVERRIDES: must be JSON');
    expect(() => parse({ K_CE_OVERRIDES: '{"extensions":{"Tenant-ID":"acme"}}' })).toThrow('K_CE_OVERRIDES: Tenant-ID is not a CloudEvents attribute name');
  });
});
