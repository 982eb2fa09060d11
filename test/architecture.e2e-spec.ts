import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

const root = resolve(__dirname, '..');

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

describe('module boundaries', () => {
  it("lets modules share only src/events, src/platform and each other's published contracts", () => {
    expect(violations('src')).toEqual([]);
  });

  it("fails when a module imports another module's internals", () => {
    expect(violations('test/fixtures/architecture/src')).toEqual([
      expect.objectContaining({ rule: expect.objectContaining({ name: 'no-module-internals' }), from: expect.stringContaining('billing/invoice.ts'), to: expect.stringContaining('shipping/domain/rates.ts') }),
    ]);
  });
});
