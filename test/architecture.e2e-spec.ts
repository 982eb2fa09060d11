import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { foreignQueries, schemaOwners } from './support/schema-ownership';

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

const root = resolve(__dirname, '..');
const fixtures = resolve(root, 'test/fixtures/architecture/src');

function violations(tree: string): Violation[] {
  const cli = resolve(root, 'node_modules/.bin/depcruise');
  const args = [tree, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'];
  let output: string;
  try {
    output = execFileSync(cli, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    // depcruise exits non-zero when it finds violations; the JSON report is still on stdout.
    output = (error as { stdout: string }).stdout;
  }
  return (JSON.parse(output) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('layers and module boundaries', () => {
  it('hold in the real tree: composition roots over modules over the bus over the platform, a kernel under all, no cycles', () => {
    expect(violations('src')).toEqual([]);
  });

  describe('each rule fails its fixture', () => {
    let found: Violation[];
    beforeAll(() => (found = violations('test/fixtures/architecture/src')));

    it.each([
      ['no-module-internals', 'modules/billing/invoice.ts', 'modules/shipping/domain/rates.ts'],
      ['nothing-imports-the-composition-root', 'modules/shipping/shipping.module.ts', 'app/app.module.ts'],
      ['bus-knows-no-module', 'events/router.ts', 'modules/shipping/index.ts'],
      ['platform-knows-no-module', 'platform/metrics.ts', 'modules/shipping/index.ts'],
      ['platform-knows-no-bus', 'platform/health.ts', 'events/bus.ts'],
      ['kernel-stands-alone', 'kernel/money.ts', 'platform/errors.ts'],
      ['no-circular', 'platform/clock.ts', 'platform/timer.ts'],
    ])('%s: %s -> %s', (rule, from, to) => {
      const ofRule = found.filter((violation) => violation.rule.name === rule).map((violation) => ({ from: violation.from, to: violation.to }));
      expect(ofRule).toEqual([{ from: `test/fixtures/architecture/src/${from}`, to: `test/fixtures/architecture/src/${to}` }]);
    });
  });
});

describe('schema ownership', () => {
  it('holds in the real tree: only the folder whose migrations create a schema runs SQL on it', () => {
    expect(schemaOwners(resolve(root, 'src'))).toEqual({
      events: 'events',
      orders: 'modules/orders',
      inventory: 'modules/inventory',
      payment: 'modules/payment',
      notification: 'modules/notification',
      deadletter: 'modules/deadletter',
    });
    expect(foreignQueries(resolve(root, 'src'))).toEqual([]);
  });

  it("fails when a module's SQL names another module's schema, not on its own schema or a dotted event type", () => {
    expect(foreignQueries(fixtures)).toEqual([{ file: 'modules/billing/ledger.ts', schema: 'shipping', owner: 'modules/shipping', name: 'rates' }]);
  });
});
