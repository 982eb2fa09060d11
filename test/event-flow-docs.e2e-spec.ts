import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEADER, README_END, README_START } from '../src/split/docs/event-flow';
import { EVENT_FLOW_FILE, generateDocs, README_FILE, renderDocs } from '../src/split/docs/generate';
import { MODULE_TABLE_MARKERS } from '../src/split/docs/readme';
import { MODULE_NAMES, MODULES } from '../src/modules';
import { collectPublications, collectSubscriptions } from '../src/split/manifests/subscriptions';

/** docs/event-flow.md and the README's diagram and module table are what the code declares: `npm run docs` writes them, stale copies fail here. */
describe('docs/event-flow.md and the README diagram and module table', () => {
  it('equal the generator output', () => {
    const rendered = renderDocs();
    for (const file of [EVENT_FLOW_FILE, README_FILE]) expect({ file, content: readFileSync(file, 'utf8') }).toEqual({ file, content: rendered[file] });
    expect(generateDocs({ check: true })).toEqual([]);
  });

  it('draws one edge per subscription, from the publisher to the subscribing module, with its retry policy', () => {
    const doc = renderDocs()[EVENT_FLOW_FILE];
    expect(doc.startsWith(`${HEADER}\n`)).toBe(true);
    const lines = doc.split('\n');
    const publisherOf = new Map(collectPublications().flatMap(({ module, contracts }) => contracts.map((contract) => [contract.name, module])));
    for (const { subscription } of collectSubscriptions()) {
      const { retry, backoffPolicy, backoffDelay } = subscription.delivery;
      const line = lines.find(
        (candidate) =>
          candidate.startsWith(`  ${publisherOf.get(subscription.contract.name)} -- "${subscription.contract.name}<br/>`) &&
          candidate.endsWith(`--> ${subscription.subscriber}`) &&
          candidate.includes(`retry ${retry}, ${backoffPolicy} ${backoffDelay}`),
      );
      expect({ subscription: subscription.name, line }).toEqual({ subscription: subscription.name, line: expect.any(String) });
      expect(doc).toContain(`\`${subscription.name}\``);
    }
  });

  it("lists each module in the README's table with what it owns, publishes and consumes, in the list's order", () => {
    const readme = readFileSync(README_FILE, 'utf8');
    const table = readme.slice(readme.indexOf(MODULE_TABLE_MARKERS.start), readme.indexOf(MODULE_TABLE_MARKERS.end)).split('\n');
    const rows = table.filter((line) => line.startsWith('| ['));
    expect(rows.map((row) => /^\| \[(\w+)\]/.exec(row)?.[1])).toEqual(MODULE_NAMES);
    for (const { name, owns, publishes } of Object.values(MODULES)) {
      const [, ownsCell, publishesCell, consumesCell] = rows.find((row) => row.startsWith(`| [${name}]`))!.split(' | ');
      const consumed = collectSubscriptions()
        .filter(({ module }) => module === name)
        .map(({ subscription }) => `\`${subscription.contract.name}\``);
      expect({ name, ownsCell, publishes: publishesCell.split(', ').filter(Boolean).sort(), consumes: consumesCell.replace(/ \|$/, '').split(', ').filter(Boolean).sort() }).toEqual({
        name,
        ownsCell: owns,
        publishes: publishes.map((contract) => `\`${contract.name}\``).sort(),
        consumes: [...new Set(consumed)].sort(),
      });
    }
  });

  it('--check names stale copies and leaves them alone; a write fixes them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docs-'));
    const files = { flow: join(dir, 'event-flow.md'), readme: join(dir, 'README.md') };
    try {
      writeFileSync(files.flow, '# edited by hand\n');
      cpSync(README_FILE, files.readme);
      // The diagram and the module table edited by hand, as a stale copy would differ.
      writeFileSync(files.readme, readFileSync(files.readme, 'utf8').replace(`${README_START}\n`, `${README_START}\nflowchart TD\n`).replace('| [payment]', '| [payments]'));
      expect(generateDocs({ check: true, ...files }).map((path) => path.split('/').pop())).toEqual(['event-flow.md', 'README.md']);
      expect(readFileSync(files.flow, 'utf8')).toBe('# edited by hand\n');
      expect(generateDocs(files)).toHaveLength(2);
      expect(generateDocs({ check: true, ...files })).toEqual([]);
      expect(readFileSync(files.readme, 'utf8')).toContain(`${README_START}\n\`\`\`mermaid\nflowchart LR\n`);
      expect(readFileSync(files.readme, 'utf8')).toContain(`\`\`\`\n${README_END}`);
      expect(readFileSync(files.readme, 'utf8')).toBe(readFileSync(README_FILE, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
