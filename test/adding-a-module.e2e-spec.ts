import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ModuleDeclaration } from '../src/events';
import { MODULE_NAMES, MODULES } from '../src/modules';
import { bundleEntries } from '../src/split/bundle-entries';
import { renderDocs } from '../src/split/docs/generate';
import { COMPOSE_FILE, renderCompose } from '../src/split/manifests/compose';
import { knativeFiles } from '../src/split/manifests/generate';
import { SHIPPING } from './fixtures/modules/shipping/shipping.module';
import { splitProcesses } from './support/kafka/split-topology';
import { moduleRoutes } from './support/split/gateway';

/**
 * Issue 22: a new module is its folder plus one line in the list. The shipping fixture (test/fixtures/modules/
 * shipping: books a courier when a payment succeeds, publishes shipment.scheduled) is handed to each generator
 * with the list, the way src/modules/index.ts would hand it, and shows up everywhere without another edit.
 */
describe('a module added to the list', () => {
  const modules: ModuleDeclaration[] = [...Object.values(MODULES), SHIPPING];
  const kinds = (manifests: Array<Record<string, any>>) => manifests.map((manifest) => `${manifest.kind}/${manifest.metadata?.name}`);

  it('gets a split bundle, and every bundle knows the event type it publishes', () => {
    const entries = bundleEntries(modules, '/build');
    expect(Object.keys(entries)).toEqual([...MODULE_NAMES, 'shipping']);
    expect(entries.shipping).toContain(JSON.stringify(join('/build', 'modules/shipping/shipping.module.js')));
    for (const source of Object.values(entries)) expect(source).toContain('"shipment.scheduled"');
  });

  it('gets a Knative Service, a migrate Job, a Trigger for its subscription and a SinkBinding for its publications', () => {
    const files = knativeFiles({}, modules);
    expect(kinds(files['base/services.yaml'])).toContain('Service/shipping');
    expect(kinds(files['base/migrate.yaml']).some((kind) => kind.includes('shipping'))).toBe(true);
    const trigger = files['base/triggers.yaml'].find((manifest) => manifest.spec.subscriber.ref.name === 'shipping');
    expect(trigger?.spec.filters).toEqual([{ exact: { type: 'com.toolsku.payment.result' } }, { exact: { paymentstatus: 'succeeded' } }]);
    expect(files['base/sinkbindings.yaml'].map((binding) => binding.spec.subject.name)).toContain('shipping');
    expect(files['base/kustomization.yaml'][0].images.map((image: { name: string }) => image.name)).toContain('toolsku/order-events-shipping');
  });

  it('gets a compose service of the split profile, its image built for it alone, started by the documented command', () => {
    const compose = renderCompose(readFileSync(COMPOSE_FILE, 'utf8'), modules);
    const { services } = parse(compose, { merge: true });
    expect(services.shipping).toMatchObject({ profiles: ['split'], build: { dockerfile: 'deploy/compose/Dockerfile', args: { MODULE: 'shipping' } }, environment: { EVENT_TRANSPORT: 'kafka' } });
    expect(services.shipping.ports).toBeUndefined();
    expect(compose).toContain(`--profile split up --build ${[...MODULE_NAMES, 'shipping'].join(' ')}\n`);
  });

  it('is in the event-flow docs, the AsyncAPI document and the README (module table, split command)', () => {
    const docs = renderDocs({ flow: 'flow', readme: join(__dirname, '../README.md'), asyncapi: 'asyncapi' }, modules);
    expect(docs.flow).toContain('shipping');
    expect(docs.flow).toContain('shipment.scheduled');
    expect(Object.keys(parse(docs.asyncapi).channels)).toContain('shipment.scheduled');
    const readme = docs[join(__dirname, '../README.md')];
    expect(readme).toContain('| [shipping](src/modules/shipping/README.md) | shipments, courier bookings | `shipment.scheduled` | `payment.result` |');
    expect(readme).toContain(`--profile split up --build ${[...MODULE_NAMES, 'shipping'].join(' ')}\n`);
  });

  it('is one of the test topologies’ processes, its routes behind their gateway', () => {
    expect(
      Object.keys(
        splitProcesses(
          modules.map(({ name }) => name),
          {},
        ),
      ),
    ).toContain('shipping');
    const routes = moduleRoutes(modules, (module) => `http://${module}`);
    expect(routes.filter(({ prefix }) => prefix === '/shipments').map(({ target }) => target())).toEqual(['http://shipping']);
  });
});
