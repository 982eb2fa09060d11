import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse, parseAllDocuments } from 'yaml';
import { DEFAULT_EVENT_TYPE_PREFIX, qualifiedType } from '../src/events/catalog';
import { MODULE_NAMES, MODULES } from '../src/modules';
import { CHANNEL_BROKER_DIR, kafkaChannelTemplate } from '../src/split/manifests/channel-broker';
import { generate, HEADER, KNATIVE_DIR, renderKnativeFiles, sinkBoundModules } from '../src/split/manifests/generate';
import { knativeManifests, knativeService, Manifest, MANIFEST_FILES, scalingAnnotations, trigger } from '../src/split/manifests/knative';
import { POLICIES_FILE } from '../src/split/manifests/security';
import { collectSubscriptions } from '../src/split/manifests/subscriptions';

/**
 * The Knative manifests under deploy/knative are what the code declares (one Trigger per @Subscribe, same filter,
 * same delivery) and are valid against Knative's own CRD schemas (test/fixtures/schemas/knative, see its SOURCES.md).
 */

const REFERENCE = resolve(__dirname, 'fixtures/schemas/knative');

/** CRD file per apiVersion/kind (group/version kind, as SOURCES.md keys them). */
const CRDS: Record<string, string> = {
  'serving.knative.dev/v1 Service': 'serving/service.yaml',
  'eventing.knative.dev/v1 Broker': 'eventing/broker.yaml',
  'eventing.knative.dev/v1 Trigger': 'eventing/trigger.yaml',
  'sources.knative.dev/v1 SinkBinding': 'eventing/sinkbinding.yaml',
  'messaging.knative.dev/v1beta1 KafkaChannel': 'kafka/kafkachannel.yaml',
};

const DNS_1123_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const OBJECT_META = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', maxLength: 63, pattern: DNS_1123_SUBDOMAIN },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 63 } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
  additionalProperties: false,
};

type Schema = Record<string, any>;

/**
 * The API server prunes (and Knative's webhooks reject) fields a structural schema does not declare, unless the
 * node says `x-kubernetes-preserve-unknown-fields`: make that an error here, so a misspelt key fails the test.
 */
function pruning(schema: Schema): Schema {
  if (Array.isArray(schema)) return schema.map(pruning);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, pruning(v)])) : pruning(value);
  }
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

function crdSchema(file: string, apiVersion: string, kind: string): Schema {
  const crd = parse(readFileSync(resolve(REFERENCE, file), 'utf8'));
  const version = crd.spec.versions.find((v: { name: string }) => v.name === apiVersion.split('/')[1]);
  const root = structuredClone(version.schema.openAPIV3Schema) as Schema;
  root.required = [...new Set([...(root.required ?? []), 'apiVersion', 'kind', 'metadata', 'spec'])];
  root.properties = { ...root.properties, apiVersion: { const: apiVersion }, kind: { const: kind }, metadata: OBJECT_META };
  return pruning(root);
}

function keywords(schema: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => keywords(s, found));
  else if (typeof schema === 'object' && schema !== null)
    for (const [key, value] of Object.entries(schema)) {
      if (key.startsWith('x-kubernetes-')) found.add(key);
      keywords(value, found);
    }
  return found;
}

function validators(): Record<string, ValidateFunction> {
  const schemas = Object.fromEntries(
    Object.entries(CRDS).map(([key, file]) => {
      const [apiVersion, kind] = key.split(' ');
      return [key, crdSchema(file, apiVersion, kind)];
    }),
  );
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addVocabulary([...keywords(Object.values(schemas))]);
  return Object.fromEntries(Object.entries(schemas).map(([key, schema]) => [key, ajv.compile(schema)]));
}

const VALIDATE = validators();

function schemaErrors(manifest: Manifest): string[] {
  const validate = VALIDATE[`${manifest.apiVersion} ${manifest.kind}`];
  if (!validate) return [`no CRD schema for ${manifest.apiVersion} ${manifest.kind}`];
  const where = `${manifest.kind}/${manifest.metadata?.name}`;
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${where}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

function generated() {
  const declared = collectSubscriptions();
  return {
    declared,
    manifests: knativeManifests({ modules: MODULE_NAMES.map((name) => MODULES[name]), subscriptions: declared.map(({ subscription }) => subscription), publishers: sinkBoundModules() }),
  };
}

function committed(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(resolve(KNATIVE_DIR, file), 'utf8')).map((doc) => doc.toJS());
}

describe('Knative manifests (deploy/knative)', () => {
  const { declared, manifests } = generated();
  const all = MANIFEST_FILES.flatMap((file) => manifests[file]);

  it('are what the code declares: the committed files equal the generator output', () => {
    for (const file of MANIFEST_FILES) expect({ file, docs: committed(file) }).toEqual({ file, docs: manifests[file] });
    const rendered = renderKnativeFiles();
    for (const [file, content] of Object.entries(rendered)) {
      expect(content.startsWith(`# ${HEADER}\n`)).toBe(true);
      expect({ file, content: readFileSync(resolve(KNATIVE_DIR, file), 'utf8') }).toEqual({ file, content });
    }
    expect(committed('kustomization.yaml')[0].resources).toEqual([...MANIFEST_FILES, POLICIES_FILE]);
    expect(Object.keys(rendered)).toContain(`${CHANNEL_BROKER_DIR}/kustomization.yaml`);
    expect(generate({ check: true })).toEqual([]);
  });

  it('--check names a stale file and leaves it alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knative-'));
    try {
      cpSync(KNATIVE_DIR, dir, { recursive: true });
      writeFileSync(join(dir, 'triggers.yaml'), '# edited by hand\n');
      expect(generate({ check: true, dir }).map((path) => path.split('/').pop())).toEqual(['triggers.yaml']);
      expect(readFileSync(join(dir, 'triggers.yaml'), 'utf8')).toBe('# edited by hand\n');
      expect(generate({ dir }).map((path) => path.split('/').pop())).toEqual(['triggers.yaml']);
      expect(generate({ check: true, dir })).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validates every generated document against the Knative CRD schema of its kind', () => {
    const kinds = new Set<string>();
    for (const manifest of all) {
      if (manifest.apiVersion === 'v1' && manifest.kind === 'ConfigMap') continue; // core kind, no Knative CRD
      kinds.add(`${manifest.apiVersion} ${manifest.kind}`);
      expect(schemaErrors(manifest)).toEqual([]);
    }
    expect([...kinds].sort()).toEqual(Object.keys(CRDS).filter((kind) => !kind.includes('KafkaChannel')).sort());
    for (const manifest of all) expect(manifest.metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': 'order-events' });
  });

  it('has exactly one Trigger per declared subscription, with exactly its filter and delivery policy', () => {
    expect(declared.length).toBeGreaterThan(0);
    const triggers = committed('triggers.yaml');
    expect(triggers.map((t) => t.metadata.name)).toEqual(declared.map(({ subscription }) => subscription.name));
    for (const { module, subscription } of declared) {
      const [t] = triggers.filter((candidate) => candidate.metadata.name === subscription.name);
      const { retry, backoffPolicy, backoffDelay, deadLetter } = subscription.delivery;
      expect(module).toBe(subscription.subscriber);
      expect(t.spec).toEqual({
        broker: 'order-events',
        filter: { attributes: { type: qualifiedType(subscription.contract.name, DEFAULT_EVENT_TYPE_PREFIX) } },
        subscriber: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: subscription.subscriber }, audience: subscription.subscriber },
        delivery: {
          retry,
          backoffPolicy,
          backoffDelay,
          ...(deadLetter
            ? { deadLetterSink: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'deadletter' }, uri: `/dead-letters/intake?subscription=${subscription.name}`, audience: 'deadletter' } }
            : {}),
        },
      });
    }
    // Every subscriber and the dead-letter sink is a generated ksvc.
    const services = new Set(manifests['services.yaml'].map((s) => s.metadata.name));
    for (const t of triggers) {
      expect(services).toContain(t.spec.subscriber.ref.name);
      if (t.spec.delivery.deadLetterSink) expect(services).toContain(t.spec.delivery.deadLetterSink.ref.name);
    }
  });

  it('drops the dead-letter sink of a subscription declared with deadLetter: false', () => {
    const { subscription } = declared[0];
    const t = trigger({ ...subscription, delivery: { ...subscription.delivery, deadLetter: false } });
    expect(t.spec.delivery.deadLetterSink).toBeUndefined();
    expect(schemaErrors(t)).toEqual([]);
  });

  it('gives every ksvc both probes, the scale-to-zero annotations and a non-root security context', () => {
    const services = committed('services.yaml');
    expect(services.map((s) => s.metadata.name)).toEqual(MODULE_NAMES);
    for (const service of services) {
      const template = service.spec.template;
      expect(template.metadata.annotations).toEqual(scalingAnnotations(MODULES[service.metadata.name as keyof typeof MODULES].scaling));
      expect(template.metadata.annotations['autoscaling.knative.dev/scale-to-zero-pod-retention-period']).toBeDefined();
      expect(template.spec.containers).toHaveLength(1);
      const [container] = template.spec.containers;
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(container.securityContext.runAsUser).toBeGreaterThan(0);
      expect(container.env).toContainEqual({ name: 'MODULES', value: service.metadata.name });
      expect(container.env).toContainEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'order-events-db', key: 'url' } } });
    }
  });

  it('keeps payment warm (its own scaling default, declared in code) and every other module at min-scale 0', () => {
    const minScale = Object.fromEntries(committed('services.yaml').map((s) => [s.metadata.name, s.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale']]));
    expect(minScale).toEqual({ orders: '0', inventory: '0', payment: '1', notification: '0', deadletter: '0' });
  });

  it('keeps the dead-letter intake inside the cluster', () => {
    const [deadletter] = committed('services.yaml').filter((s) => s.metadata.name === 'deadletter');
    expect(deadletter.metadata.labels['networking.knative.dev/visibility']).toBe('cluster-local');
  });

  it('splits traffic 90/10 between a tagged stable revision and the latest, when asked', () => {
    const service = knativeService(MODULES.payment, { traffic: { stableRevision: '00001', canaryPercent: 10 } });
    expect(service.spec.traffic).toEqual([
      { tag: 'stable', revisionName: 'payment-00001', percent: 90 },
      { tag: 'canary', latestRevision: true, percent: 10 },
    ]);
    expect(schemaErrors(service)).toEqual([]);
    expect(() => knativeService(MODULES.payment, { traffic: { stableRevision: '00001', canaryPercent: 120 } })).toThrow(/canary percent/);
  });

  it('has a channel-based Broker overlay whose channel template is a valid KafkaChannel', () => {
    const overlay = parse(readFileSync(resolve(KNATIVE_DIR, CHANNEL_BROKER_DIR, 'kustomization.yaml'), 'utf8'));
    expect(overlay.resources).toEqual(['..', 'channel-template.yaml']);
    expect(JSON.parse(overlay.patches[0].patch)).toContainEqual(expect.objectContaining({ value: 'MTChannelBasedBroker' }));
    const config = parse(readFileSync(resolve(KNATIVE_DIR, CHANNEL_BROKER_DIR, 'channel-template.yaml'), 'utf8'));
    const template = parse(config.data['channel-template-spec']);
    expect(template).toEqual(kafkaChannelTemplate());
    expect(schemaErrors({ ...template, metadata: { name: 'template', labels: {} } })).toEqual([]);
  });

  it('binds K_SINK to the Broker in every module that publishes events, and in deadletter for replays', () => {
    const bindings = committed('sinkbindings.yaml');
    expect(bindings.map((b) => b.spec.subject.name).sort()).toEqual(['deadletter', 'inventory', 'notification', 'orders', 'payment']);
    for (const b of bindings) expect(b.spec.sink).toEqual({ ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'order-events' } });
    const [brokerManifest] = committed('broker.yaml').filter((m) => m.kind === 'Broker');
    expect(brokerManifest.metadata.annotations['eventing.knative.dev/broker.class']).toBe('Kafka');
  });

  describe('the schema check can fail', () => {
    const [first] = manifests['triggers.yaml'];

    it('rejects a Trigger with retry: "five"', () => {
      const bad = structuredClone(first);
      bad.spec.delivery.retry = 'five';
      expect(schemaErrors(bad).join('\n')).toMatch(/\/spec\/delivery\/retry must be integer/);
    });

    it('rejects a misspelt field, a bad name and a non-string label', () => {
      const service = structuredClone(manifests['services.yaml'][0]);
      service.spec.template.spec.containerConcurency = 50;
      expect(schemaErrors(service).join('\n')).toMatch(/must NOT have additional properties.*containerConcurency/);
      const bad = structuredClone(first);
      bad.metadata.name = 'Not_A_Name';
      bad.metadata.labels.replicas = 3;
      const errors = schemaErrors(bad).join('\n');
      expect(errors).toMatch(/\/metadata\/name must match pattern/);
      expect(errors).toMatch(/\/metadata\/labels\/replicas must be string/);
    });
  });
});
