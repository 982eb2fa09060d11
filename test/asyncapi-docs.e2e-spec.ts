import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ASYNCAPI_HEADER } from '../src/split/docs/asyncapi';
import { ASYNCAPI_FILE, generateDocs, renderDocs } from '../src/split/docs/generate';
import { collectPublications, collectSubscriptions } from '../src/split/manifests/subscriptions';

/**
 * docs/asyncapi.yaml is what the code declares (`npm run docs` writes it, a stale copy fails here), a valid
 * AsyncAPI 3.0 document, and agrees with the Triggers deployed from deploy/knative and with the contracts' schemas.
 */

const SCHEMA = JSON.parse(readFileSync(resolve(__dirname, 'fixtures/schemas/asyncapi/asyncapi-3.0.0.json'), 'utf8'));
const TRIGGERS = parseAllDocuments(readFileSync(resolve(__dirname, '../deploy/knative/base/triggers.yaml'), 'utf8'))
  .map((document) => document.toJS())
  .filter((manifest) => manifest?.kind === 'Trigger');

describe('docs/asyncapi.yaml', () => {
  const text = readFileSync(ASYNCAPI_FILE, 'utf8');
  const document = parse(text);

  it('equals the generator output', () => {
    expect(text.startsWith(`${ASYNCAPI_HEADER}\n`)).toBe(true);
    expect(text).toBe(renderDocs()[ASYNCAPI_FILE]);
  });

  it('is a valid AsyncAPI 3.0 document', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const valid = ajv.validate(SCHEMA, document);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has every published type as a message on the in-process bus, Kafka and the Broker, with its publisher', () => {
    const published = collectPublications().flatMap(({ module, contracts }) => contracts.map((contract) => ({ module, name: contract.name })));
    expect(Object.keys(document.components.messages).sort()).toEqual(published.map(({ name }) => name).sort());
    for (const { module, name } of published) {
      expect(document.channels[name].servers.map((server: { $ref: string }) => server.$ref).sort()).toEqual(['#/servers/in-process', '#/servers/kafka', '#/servers/knative-broker']);
      expect(document.operations[`${module}.publishes.${name}`]).toMatchObject({ action: 'send', channel: { $ref: `#/channels/${name}` } });
    }
  });

  it('gives each subscription its receive operation with the delivery policy and filter of its deployed Trigger', () => {
    const subscriptions = collectSubscriptions();
    expect(TRIGGERS.map((trigger) => trigger.metadata.name).sort()).toEqual(subscriptions.map(({ subscription }) => subscription.name).sort());
    for (const trigger of TRIGGERS) {
      const operation = document.operations[trigger.metadata.name];
      const { retry, backoffPolicy, backoffDelay, timeout } = trigger.spec.delivery;
      expect({ name: trigger.metadata.name, action: operation?.action, delivery: operation?.['x-delivery'] }).toEqual({
        name: trigger.metadata.name,
        action: 'receive',
        delivery: {
          retry,
          backoffPolicy,
          backoffDelay,
          timeout,
          deadLetter: trigger.spec.delivery.deadLetterSink !== undefined,
          ordered: trigger.metadata.annotations?.['kafka.eventing.knative.dev/delivery.order'] === 'ordered',
        },
      });
      const filter = trigger.spec.filters ? { filters: trigger.spec.filters } : { filter: trigger.spec.filter };
      expect({ name: trigger.metadata.name, ...operation['x-knative-trigger'] }).toMatchObject({ name: trigger.metadata.name, ...filter });
      const type = (trigger.spec.filter?.attributes ?? trigger.spec.filters[0].exact).type;
      expect(document.channels[operation.channel.$ref.split('/').pop()].address).toBe(type);
    }
  });

  it("describes each message's data with its contract's schema: what the contract accepts, and what it refuses", () => {
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    const orderCreated = ajv.compile(document.components.messages['order.created'].payload);
    const order = { orderId: 'o-1', userId: 'u-1', items: [{ sku: 'SKU-1', quantity: 2, price: '9.99' }], currency: 'USD' };
    expect(orderCreated(order)).toBe(true);
    expect(orderCreated({ ...order, items: [] })).toBe(false);
    expect(orderCreated({ ...order, currency: 'usd' })).toBe(false);
    const paymentResult = ajv.compile(document.components.messages['payment.result'].payload);
    expect(paymentResult({})).toBe(false);
  });

  it('is written by npm run docs and reported stale by --check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'asyncapi-'));
    const asyncapi = join(dir, 'asyncapi.yaml');
    try {
      writeFileSync(asyncapi, text.replace('asyncapi: 3.0.0', 'asyncapi: 2.6.0'));
      expect(generateDocs({ check: true, asyncapi }).map((path) => path.split('/').pop())).toEqual(['asyncapi.yaml']);
      generateDocs({ asyncapi });
      expect(readFileSync(asyncapi, 'utf8')).toBe(text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
