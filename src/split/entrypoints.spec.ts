import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { MODULE_NAMES } from '../modules';

describe('split entrypoints', () => {
  const dir = join(__dirname, 'entrypoints');

  it('exist for every module, so npm run build:split bundles each one', () => {
    expect(
      readdirSync(dir)
        .map((file) => basename(file, '.ts'))
        .sort(),
    ).toEqual([...MODULE_NAMES].sort());
  });

  it('each run their own module and import no other', () => {
    for (const name of MODULE_NAMES) {
      const source = readFileSync(join(dir, `${name}.ts`), 'utf8');
      expect(source).toMatch(new RegExp(`runModule\\(${name.toUpperCase()}[,)]`));
      expect(source.match(/modules\/[a-z]+\//g)).toEqual([`modules/${name}/`]);
    }
  });
});
