import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse, parseAllDocuments } from 'yaml';
import { DEFAULT_EVENT_TYPE_PREFIX, qualifiedType } from '../src/events/catalog';
import { MODULE_NAMES, MODULES } from '../src/modules';
import { kafkaChannelTemplate } from '../src/split/manifests/channel-broker';
import { connectionBudget, ConnectionBudgetError, RESERVED_CONNECTIONS } from '../src/split/manifests/connection-budget';
import { generate, HEADER, IMAGE_TAG, KNATIVE_DIR, knativeFiles, readyRevisionsInCluster, renderKnativeFiles } from '../src/split/manifests/generate';
import { knativeService, Manifest, scalingAnnotations, trigger } from '../src/split/manifests/knative';
import { BASE_DIR, CHANNEL_BROKER_DIR, KAFKA_BROKER_DIR, OVERLAY_DIRS } from '../src/split/manifests/layout';
import { collectSubscriptions } from '../src/split/manifests/subscriptions';

/**
 * The Knative manifests under deploy/knative are what the code declares (one Trigger per @Subscribe, same filter,
 * same delivery), every kustomization builds with `kubectl kustomize`, and what it builds is valid against
 * Knative's own CRD schemas and the Kubernetes definitions (test/fixtures/schemas, see the SOURCES.md files).
 */

const REFERENCE = resolve(__dirname, 'fixtures/schemas/knative');
const K8S_DEFINITIONS = ['k8s-1.36-definitions-subset.json', 'k8s-1.36-networkpolicy-subset.json', 'k8s-1.36-job-subset.json'].map((file) => resolve(__dirname, 'fixtures/schemas/k8s', file));

/** CRD file per apiVersion/kind (group/version kind, as SOURCES.md keys them). */
const CRDS: Record<string, string> = {
  'serving.knative.dev/v1 Service': 'serving/service.yaml',
  'eventing.knative.dev/v1 Broker': 'eventing/broker.yaml',
  'eventing.knative.dev/v1 Trigger': 'eventing/trigger.yaml',
  'sources.knative.dev/v1 SinkBinding': 'eventing/sinkbinding.yaml',
  'messaging.knative.dev/v1beta1 KafkaChannel': 'kafka/kafkachannel.yaml',
  'eventing.knative.dev/v1alpha1 EventPolicy': 'eventing/eventpolicy.yaml',
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

/** Core kinds from the Kubernetes definitions, strict like the CRDs; IntOrString and Quantity take either type. */
const CORE_KINDS: Record<string, string> = {
  'v1 Namespace': 'io.k8s.api.core.v1.Namespace',
  'v1 ConfigMap': 'io.k8s.api.core.v1.ConfigMap',
  'networking.k8s.io/v1 NetworkPolicy': 'io.k8s.api.networking.v1.NetworkPolicy',
  'batch/v1 Job': 'io.k8s.api.batch.v1.Job',
};

function coreSchemas(): Record<string, Schema> {
  const definitions: Record<string, Schema> = Object.assign({}, ...K8S_DEFINITIONS.map((file) => (JSON.parse(readFileSync(file, 'utf8')) as { definitions: Record<string, Schema> }).definitions));
  const strict = Object.fromEntries(Object.entries(definitions).map(([name, schema]) => [name, pruning(schema)]));
  strict['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = { type: ['integer', 'string'] };
  strict['io.k8s.apimachinery.pkg.api.resource.Quantity'] = { type: ['string', 'number'] };
  return Object.fromEntries(
    Object.entries(CORE_KINDS).map(([key, name]) => {
      const [apiVersion, kind] = key.split(' ');
      const root: Schema = { ...strict[name], required: ['apiVersion', 'kind', 'metadata'] };
      root.properties = { ...root.properties, apiVersion: { const: apiVersion }, kind: { const: kind } };
      return [key, { ...root, definitions: strict }];
    }),
  );
}

function validators(): Record<string, ValidateFunction> {
  const schemas: Record<string, Schema> = {
    ...Object.fromEntries(
      Object.entries(CRDS).map(([key, file]) => {
        const [apiVersion, kind] = key.split(' ');
        return [key, crdSchema(file, apiVersion, kind)];
      }),
    ),
    ...coreSchemas(),
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
  ajv.addFormat('int-or-string', true);
  ajv.addVocabulary([...keywords(Object.values(schemas))]);
  return Object.fromEntries(Object.entries(schemas).map(([key, schema]) => [key, ajv.compile(schema)]));
}

const VALIDATE = validators();

function schemaErrors(manifest: Manifest): string[] {
  const validate = VALIDATE[`${manifest.apiVersion} ${manifest.kind}`];
  if (!validate) return [`no schema for ${manifest.apiVersion} ${manifest.kind}`];
  const where = `${manifest.kind}/${manifest.metadata?.name}`;
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${where}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

function committed(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(resolve(KNATIVE_DIR, file), 'utf8')).map((doc) => doc.toJS());
}

/** Every file under a directory, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** What `kubectl kustomize <dir>` builds: the test needs kubectl, and says so instead of skipping. */
function kustomize(dir: string): Manifest[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT') throw new Error('kubectl is not installed: this test builds every kustomization with `kubectl kustomize` (install kubectl 1.27 or later, which includes kustomize)', { cause: error });
    throw new Error(`kubectl kustomize ${relative(KNATIVE_DIR, dir) || '.'} failed: ${stderr ?? (error as Error).message}`, { cause: error });
  }
  return parseAllDocuments(output).map((doc) => doc.toJS());
}

describe('Knative manifests (deploy/knative)', () => {
  const declared = collectSubscriptions();
  const files = knativeFiles();
  const triggers = committed(`${BASE_DIR}/triggers.yaml`);
  const services = committed(`${BASE_DIR}/services.yaml`);

  it('are what the code declares: the committed files equal the generator output, and nothing else is there', () => {
    const rendered = renderKnativeFiles();
    for (const [file, content] of Object.entries(rendered)) {
      expect(content.startsWith(`# ${HEADER}\n`)).toBe(true);
      expect({ file, content: readFileSync(resolve(KNATIVE_DIR, file), 'utf8') }).toEqual({ file, content });
    }
    expect(filesUnder(KNATIVE_DIR)).toEqual(Object.keys(rendered).sort());
    expect(generate({ check: true })).toEqual([]);
  });

  it('--check names a stale file and leaves it alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knative-'));
    try {
      cpSync(KNATIVE_DIR, dir, { recursive: true });
      writeFileSync(join(dir, BASE_DIR, 'triggers.yaml'), '# edited by hand\n');
      expect(generate({ check: true, dir }).map((path) => relative(dir, resolve(path)))).toEqual([`${BASE_DIR}/triggers.yaml`]);
      expect(readFileSync(join(dir, BASE_DIR, 'triggers.yaml'), 'utf8')).toBe('# edited by hand\n');
      expect(generate({ dir })).toHaveLength(1);
      expect(generate({ check: true, dir })).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe.each(OVERLAY_DIRS)('the %s overlay, as kubectl kustomize builds it', (overlay) => {
    const built = kustomize(resolve(KNATIVE_DIR, overlay));

    it('validates every document against the Knative CRD or Kubernetes schema of its kind', () => {
      const kinds = new Set(built.map((manifest) => `${manifest.apiVersion} ${manifest.kind}`));
      expect([...kinds].sort()).toEqual([
        'batch/v1 Job',
        'eventing.knative.dev/v1 Broker',
        'eventing.knative.dev/v1 Trigger',
        'eventing.knative.dev/v1alpha1 EventPolicy',
        'networking.k8s.io/v1 NetworkPolicy',
        'serving.knative.dev/v1 Service',
        'sources.knative.dev/v1 SinkBinding',
        'v1 ConfigMap',
        'v1 Namespace',
      ]);
      for (const manifest of built) expect(schemaErrors(manifest)).toEqual([]);
    });

    it('puts everything in one namespace, the Broker config included, and creates that Namespace', () => {
      const [namespace, ...others] = built.filter((manifest) => manifest.kind === 'Namespace');
      expect(others).toEqual([]);
      for (const manifest of built.filter((m) => m.kind !== 'Namespace'))
        expect({ kind: manifest.kind, name: manifest.metadata.name, namespace: manifest.metadata.namespace }).toEqual({ kind: manifest.kind, name: manifest.metadata.name, namespace: namespace.metadata.name });
      const [broker] = built.filter((manifest) => manifest.kind === 'Broker');
      expect(built).toContainEqual(expect.objectContaining({ kind: 'ConfigMap', metadata: expect.objectContaining({ name: broker.spec.config.name, namespace: namespace.metadata.name }) }));
      for (const manifest of built) expect(manifest.metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': 'order-events' });
    });

    it('pins every image to the release tag, and runs it with the runtime default seccomp profile', () => {
      const containers = built.filter((manifest) => manifest.kind === 'Service' || manifest.kind === 'Job').map((workload) => workload.spec.template.spec.containers[0]);
      const images = MODULE_NAMES.map((module) => `toolsku/order-events-${module}:${IMAGE_TAG}`);
      expect(containers.map((container) => container.image).sort()).toEqual([...images, ...images].sort());
      expect(IMAGE_TAG).toMatch(/^\d+\.\d+\.\d+/);
      for (const container of containers) expect(container.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    });

    it("migrates once per release: a Job per module runs its image's migrate command, named after the release", () => {
      const jobs = built.filter((manifest) => manifest.kind === 'Job');
      expect(jobs.map((job) => job.metadata.name).sort()).toEqual(MODULE_NAMES.map((module) => `${module}-migrate-${IMAGE_TAG.replace(/\./g, '-')}`).sort());
      for (const job of jobs) {
        const [container] = job.spec.template.spec.containers;
        expect(container.args).toEqual(['main.js', 'migrate']);
        expect(container.env).toEqual([{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'order-events-db', key: 'url' } } }]);
        expect(job.spec.template.spec.restartPolicy).toBe('Never');
      }
    });
  });

  it('runs the Kafka Broker with the bootstrap servers from its patch, and the channel-based Broker on a valid KafkaChannel template', () => {
    const kafka = kustomize(resolve(KNATIVE_DIR, KAFKA_BROKER_DIR));
    const [kafkaBroker] = kafka.filter((manifest) => manifest.kind === 'Broker');
    expect(kafkaBroker.metadata.annotations['eventing.knative.dev/broker.class']).toBe('Kafka');
    const [config] = kafka.filter((manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name === kafkaBroker.spec.config.name);
    expect(config.data).toEqual({ 'bootstrap.servers': committed(`${KAFKA_BROKER_DIR}/bootstrap-servers.yaml`)[0].data['bootstrap.servers'], 'default.topic.partitions': '10', 'default.topic.replication.factor': '3' });

    const channel = kustomize(resolve(KNATIVE_DIR, CHANNEL_BROKER_DIR));
    const [channelBroker] = channel.filter((manifest) => manifest.kind === 'Broker');
    expect(channelBroker.metadata.annotations['eventing.knative.dev/broker.class']).toBe('MTChannelBasedBroker');
    const [template] = channel.filter((manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name === channelBroker.spec.config.name);
    expect(parse(template.data['channel-template-spec'])).toEqual(kafkaChannelTemplate());
    expect(schemaErrors({ ...kafkaChannelTemplate(), metadata: { name: 'template', labels: {} } })).toEqual([]);
  });

  it('builds the base alone too', () => {
    expect(kustomize(resolve(KNATIVE_DIR, BASE_DIR)).map((manifest) => manifest.kind)).toContain('Namespace');
  });

  it('has exactly one Trigger per declared subscription, with its filter, its whole delivery policy and its ordering', () => {
    expect(declared.length).toBeGreaterThan(0);
    expect(triggers.map((t) => t.metadata.name)).toEqual(declared.map(({ subscription }) => subscription.name));
    for (const { module, subscription } of declared) {
      const [t] = triggers.filter((candidate) => candidate.metadata.name === subscription.name);
      const { retry, backoffPolicy, backoffDelay, timeout, deadLetter } = subscription.delivery;
      const type = qualifiedType(subscription.contract.name, DEFAULT_EVENT_TYPE_PREFIX);
      expect(module).toBe(subscription.subscriber);
      expect(t.spec).toEqual({
        broker: 'order-events',
        ...(subscription.when ? { filters: [{ exact: { type } }, subscription.when] } : { filter: { attributes: { type } } }),
        subscriber: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: subscription.subscriber }, audience: subscription.subscriber },
        delivery: {
          retry,
          backoffPolicy,
          backoffDelay,
          timeout,
          ...(deadLetter
            ? { deadLetterSink: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'deadletter' }, uri: `/dead-letters/intake?subscription=${subscription.name}`, audience: 'deadletter' } }
            : {}),
        },
      });
      expect(t.metadata.annotations?.['kafka.eventing.knative.dev/delivery.order']).toBe(subscription.ordered ? 'ordered' : undefined);
    }
    const names = new Set(services.map((s) => s.metadata.name));
    for (const t of triggers) {
      expect(names).toContain(t.spec.subscriber.ref.name);
      if (t.spec.delivery.deadLetterSink) expect(names).toContain(t.spec.delivery.deadLetterSink.ref.name);
    }
  });

  it("puts each subscription's when into its Trigger, so the webhook's Service is not woken for a notification on another channel", () => {
    const byName = Object.fromEntries(triggers.map((t) => [t.metadata.name, t.spec]));
    expect(byName['notification-call-webhook-when-notification-send'].filters).toEqual([{ exact: { type: 'com.toolsku.notification.send' } }, { exact: { notificationchannel: 'webhook' } }]);
    expect(triggers.filter((t) => t.spec.filters).map((t) => t.metadata.name)).toEqual(['notification-call-webhook-when-notification-send']);
    expect(
      triggers
        .filter((t) => t.metadata.annotations)
        .map((t) => t.metadata.name)
        .sort(),
    ).toEqual(['orders-mark-reserved-when-payment-requested', 'orders-reject-when-stock-insufficient', 'orders-settle-when-payment-result']);
  });

  it('drops the dead-letter sink of a subscription declared with deadLetter: false', () => {
    const { subscription } = declared[0];
    const t = trigger({ ...subscription, delivery: { ...subscription.delivery, deadLetter: false } });
    expect(t.spec.delivery.deadLetterSink).toBeUndefined();
    expect(schemaErrors(t)).toEqual([]);
  });

  it('gives every ksvc both probes, the scale-to-zero annotations and a non-root security context', () => {
    expect(services.map((s) => s.metadata.name)).toEqual(MODULE_NAMES);
    for (const service of services) {
      const template = service.spec.template;
      const name = service.metadata.name as keyof typeof MODULES;
      expect(template.metadata.annotations).toEqual(scalingAnnotations(MODULES[name].scaling, { maxScale: Number(template.metadata.annotations['autoscaling.knative.dev/max-scale']), poolSize: 0 }));
      expect(template.metadata.annotations['autoscaling.knative.dev/scale-to-zero-pod-retention-period']).toBeDefined();
      expect(template.spec.containers).toHaveLength(1);
      const [container] = template.spec.containers;
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container.securityContext.runAsUser).toBeGreaterThan(0);
      expect(container.env).toContainEqual({ name: 'MODULES', value: service.metadata.name });
      expect(container.env).toContainEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'order-events-db', key: 'url' } } });
    }
  });

  it('keeps payment warm (its own scaling default, declared in code) and every other module at min-scale 0', () => {
    const minScale = Object.fromEntries(services.map((s) => [s.metadata.name, s.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale']]));
    expect(minScale).toEqual({ orders: '0', inventory: '0', payment: '1', notification: '0', deadletter: '0' });
  });

  describe('the Postgres connection budget', () => {
    const connectionsAt = (generatedServices: Manifest[]) =>
      generatedServices.reduce((sum, service) => {
        const pool = Number(service.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'DATABASE_POOL_SIZE').value);
        return sum + pool * Number(service.spec.template.metadata.annotations['autoscaling.knative.dev/max-scale']);
      }, 0);

    it('sizes every Service so that all of them at max-scale stay within 100 connections less the reserve', () => {
      const total = connectionsAt(services);
      expect(total).toBeLessThanOrEqual(100 - RESERVED_CONNECTIONS);
      for (const service of services) {
        const pool = Number(service.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'DATABASE_POOL_SIZE').value);
        const own = declared.filter(({ subscription }) => subscription.subscriber === service.metadata.name).length;
        expect(pool).toBeGreaterThan(own);
      }
    });

    it('scales out further with a larger budget, never beyond what a module declares or 10', () => {
      const larger = knativeFiles({ postgresConnections: 400 })[`${BASE_DIR}/services.yaml`];
      expect(connectionsAt(larger)).toBeLessThanOrEqual(400 - RESERVED_CONNECTIONS);
      expect(connectionsAt(larger)).toBeGreaterThan(connectionsAt(services));
      for (const service of larger) expect(Number(service.spec.template.metadata.annotations['autoscaling.knative.dev/max-scale'])).toBeLessThanOrEqual(10);
    });

    it('refuses to generate when the budget cannot hold one pod of a Service', () => {
      expect(() => knativeFiles({ postgresConnections: 30 })).toThrow(ConnectionBudgetError);
      expect(() => knativeFiles({ postgresConnections: 30 })).toThrow(/orders needs 1 pod\(s\) of 6 connections.*PgBouncer/);
      expect(() => connectionBudget([MODULES.payment], () => 1, RESERVED_CONNECTIONS)).toThrow(/above the 10 reserved/);
    });
  });

  it('keeps the dead-letter intake inside the cluster', () => {
    const [deadletter] = services.filter((s) => s.metadata.name === 'deadletter');
    expect(deadletter.metadata.labels['networking.knative.dev/visibility']).toBe('cluster-local');
  });

  describe('a canary rollout', () => {
    const stableRevisions = { orders: 'orders-00004', inventory: 'inventory-00002', payment: 'payment-00007', notification: 'notification-00002', deadletter: 'deadletter-00002' };

    it("splits each Service's traffic between its own stable revision and the latest, both tagged, rolled out gradually when asked", () => {
      const rollout = knativeFiles({ traffic: { canaryPercent: 10, stableRevisions, rolloutDuration: '300s' } })[`${BASE_DIR}/services.yaml`];
      for (const service of rollout) {
        expect(service.spec.traffic).toEqual([
          { tag: 'stable', revisionName: stableRevisions[service.metadata.name as keyof typeof stableRevisions], percent: 90 },
          { tag: 'canary', latestRevision: true, percent: 10 },
        ]);
        expect(service.metadata.annotations).toEqual({ 'serving.knative.dev/rollout-duration': '300s' });
        expect(schemaErrors(service)).toEqual([]);
      }
    });

    it("reads each Service's latest ready revision from the cluster with kubectl", () => {
      const dir = mkdtempSync(join(tmpdir(), 'kubectl-'));
      try {
        // A stand-in kubectl that checks its arguments and answers as `get ksvc -o json` does.
        const answer = {
          items: [
            { metadata: { name: 'orders' }, status: { latestReadyRevisionName: 'orders-00004' } },
            { metadata: { name: 'payment' }, status: {} },
          ],
        };
        writeFileSync(join(dir, 'kubectl'), `#!/bin/sh\n[ "$*" = "-n shop get ksvc -o json" ] || exit 3\necho '${JSON.stringify(answer)}'\n`);
        chmodSync(join(dir, 'kubectl'), 0o755);
        expect(readyRevisionsInCluster('shop', join(dir, 'kubectl'))).toEqual({ orders: 'orders-00004' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('refuses a Service without a stable revision name, and a percent out of range', () => {
      const { payment, ...others } = stableRevisions;
      expect(payment).toBeDefined();
      expect(() => knativeFiles({ traffic: { canaryPercent: 10, stableRevisions: others } })).toThrow(/no stable revision of payment/);
      expect(() => knativeService(MODULES.payment, { poolSize: 3, maxScale: 1 }, { traffic: { canaryPercent: 120, stableRevisions } })).toThrow(/canary percent/);
    });
  });

  it('binds K_SINK to the Broker in every module that publishes events, and in deadletter for replays', () => {
    const bindings = committed(`${BASE_DIR}/sinkbindings.yaml`);
    expect(bindings.map((b) => b.spec.subject.name).sort()).toEqual(['deadletter', 'inventory', 'notification', 'orders', 'payment']);
    for (const b of bindings) expect(b.spec.sink).toEqual({ ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'order-events' } });
  });

  describe('the schema check can fail', () => {
    const [first] = files[`${BASE_DIR}/triggers.yaml`];

    it('rejects a Trigger with retry: "five"', () => {
      const bad = structuredClone(first);
      bad.spec.delivery.retry = 'five';
      expect(schemaErrors(bad).join('\n')).toMatch(/\/spec\/delivery\/retry must be integer/);
    });

    it('rejects a misspelt field, a bad name and a non-string label', () => {
      const service = structuredClone(files[`${BASE_DIR}/services.yaml`][0]);
      service.spec.template.spec.containerConcurency = 50;
      expect(schemaErrors(service).join('\n')).toMatch(/must NOT have additional properties.*containerConcurency/);
      const bad = structuredClone(first);
      bad.metadata.name = 'Not_A_Name';
      bad.metadata.labels.replicas = 3;
      const errors = schemaErrors(bad).join('\n');
      expect(errors).toMatch(/\/metadata\/name must match pattern/);
      expect(errors).toMatch(/\/metadata\/labels\/replicas must be string/);
    });

    it('rejects a ConfigMap with a non-string value and a Namespace with a misspelt field', () => {
      expect(schemaErrors({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { partitions: 10 } }).join('\n')).toMatch(/\/data\/partitions must be string/);
      expect(schemaErrors({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' }, spec: { finalisers: [] } }).join('\n')).toMatch(/additional properties/);
    });

    it('rejects a Job with a misspelt field and a non-integer backoff limit', () => {
      const job = (spec: Manifest) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { containers: [{ name: 'c' }] } }, ...spec } });
      expect(schemaErrors(job({}))).toEqual([]);
      expect(schemaErrors(job({ backoffLimit: 'four' })).join('\n')).toMatch(/\/spec\/backoffLimit must be integer/);
      expect(schemaErrors(job({ ttlSecondsAfterFinish: 60 })).join('\n')).toMatch(/additional properties/);
    });
  });
});
