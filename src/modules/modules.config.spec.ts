import { parseConfig } from '../platform/config/define-config';
import { MODULE_NAMES } from './index';
import { modulesConfig } from './modules.config';

const modulesOf = (env: NodeJS.ProcessEnv) => parseConfig(modulesConfig.namespace, modulesConfig.schema, env).MODULES;

describe('MODULES', () => {
  it('runs every module of the list when unset or empty (the image built without MODULE is the monolith)', () => {
    expect(modulesOf({})).toEqual(MODULE_NAMES);
    expect(modulesOf({ MODULES: '' })).toEqual(MODULE_NAMES);
  });

  it('runs the modules it names, and refuses one the list does not have', () => {
    expect(modulesOf({ MODULES: 'payment, orders' })).toEqual(['payment', 'orders']);
    expect(() => modulesOf({ MODULES: 'shipping' })).toThrow(/invalid modules configuration/);
  });
});
