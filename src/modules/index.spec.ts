import { MODULES } from './index';

describe('the list of modules', () => {
  it('names each module as its declaration does (MODULES, the folder, the Service and the bundle agree)', () => {
    for (const [name, declaration] of Object.entries(MODULES)) expect(declaration.name).toBe(name);
  });

  it('has each event type published by one module only', () => {
    const names = Object.values(MODULES).flatMap((module) => module.publishes.map((contract) => contract.name));
    expect(new Set(names).size).toBe(names.length);
  });
});
