import { DEFAULT_EVENT_TYPE_PREFIX, qualifiedType } from '../../events/catalog';
import { Subscription } from '../../events/subscription';
import { ModuleDeclaration, ScalingDefaults } from '../../events/module-declaration';
import { ServiceConnections } from './connection-budget';
import { brokerSubjects, isClusterLocal, POLICIES_FILE, securityManifests, serviceAudience } from './security';

/**
 * The Knative manifests of the split deployment, as plain objects: one ksvc per module, one Trigger per
 * `@Subscribe` declaration (same filter, same delivery policy), one SinkBinding per publishing module, and the
 * Broker of each overlay (layout.ts lays them out). Pure: the caller passes what it read from the code
 * (see subscriptions.ts).
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kubernetes objects of any kind, as YAML gives them
export type Manifest = Record<string, any>;

export const PART_OF = { 'app.kubernetes.io/part-of': 'order-events' } as const;
/** The namespace each overlay puts everything in (kustomize renames the Namespace object with it). */
export const NAMESPACE = 'order-events';
export const BROKER_NAME = 'order-events';
export const BROKER_CONFIG_NAME = 'kafka-broker-config';
/** Each module's image is built with `--build-arg MODULE=<module>` (deploy/compose/Dockerfile); kustomize pins its tag. */
export const imageOf = (module: string): string => `toolsku/order-events-${module}`;
export const DATABASE_SECRET = { name: 'order-events-db', key: 'url' } as const;
/** The module whose ksvc is every Trigger's dead-letter sink. */
export const DEAD_LETTER_SERVICE: string = 'deadletter';

export const SCALING_ANNOTATIONS = {
  'autoscaling.knative.dev/min-scale': '0',
  'autoscaling.knative.dev/max-scale': '10',
  'autoscaling.knative.dev/target': '50',
  'autoscaling.knative.dev/scale-to-zero-pod-retention-period': '0s',
  'autoscaling.knative.dev/target-burst-capacity': '100',
} as const;

/**
 * A canary rollout: each Service's stable revision keeps `100 - canaryPercent`, the latest revision gets the
 * rest. The stable names come from the cluster (each Service's `status.latestReadyRevisionName`): Services
 * reach different revision counts, and a SinkBinding adds one of its own.
 */
export interface TrafficSplit {
  /** The full revision name per Service, e.g. `{ payment: 'payment-00003' }`. */
  readonly stableRevisions: Readonly<Record<string, string>>;
  readonly canaryPercent: number;
  /** Knative's gradual rollout (`serving.knative.dev/rollout-duration`, e.g. `300s`) of each new revision. */
  readonly rolloutDuration?: string;
}

export interface ManifestOptions {
  /** The CloudEvents type prefix the Trigger filters use (EVENT_TYPE_PREFIX); default `com.toolsku`. */
  readonly typePrefix?: string;
  /** Split each Service's traffic between its stable revision and the latest one, reachable by tag too. */
  readonly traffic?: TrafficSplit;
}

/**
 * The annotations of a module's scaling defaults, over the scale-to-zero ones every module starts from; the
 * connection budget's max-scale wins over both.
 */
export function scalingAnnotations(scaling: ScalingDefaults = {}, connections?: ServiceConnections): Record<string, string> {
  const declared = {
    'autoscaling.knative.dev/min-scale': scaling.minScale,
    'autoscaling.knative.dev/max-scale': connections?.maxScale ?? scaling.maxScale,
    'autoscaling.knative.dev/target': scaling.target,
  };
  const overrides = Object.entries(declared)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => [key, String(value)]);
  return { ...SCALING_ANNOTATIONS, ...Object.fromEntries(overrides) };
}

/** `spec.traffic` of a canary rollout: both targets tagged, so each also has its own URL. */
export function trafficSplit(service: string, { stableRevisions, canaryPercent }: TrafficSplit): Manifest[] {
  if (!Number.isInteger(canaryPercent) || canaryPercent < 0 || canaryPercent > 100) throw new RangeError(`canary percent must be an integer from 0 to 100, got ${canaryPercent}`);
  const stable = stableRevisions[service];
  if (!stable?.startsWith(`${service}-`)) throw new RangeError(`no stable revision of ${service} given (a name such as ${service}-00002, from its status.latestReadyRevisionName), got ${stable}`);
  return [
    { tag: 'stable', revisionName: stable, percent: 100 - canaryPercent },
    { tag: 'canary', latestRevision: true, percent: canaryPercent },
  ];
}

/** Every ksvc but the customer API (orders) is reachable from inside the cluster only (docs/adr/0013). */
const CLUSTER_LOCAL = { 'networking.knative.dev/visibility': 'cluster-local' } as const;

function serviceRef(name: string) {
  return { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name };
}

function brokerRef() {
  return { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: BROKER_NAME };
}

function metadata(name: string, annotations?: Record<string, string>, labels: Record<string, string> = {}) {
  return { name, labels: { ...PART_OF, ...labels }, ...(annotations ? { annotations } : {}) };
}

const DATABASE_URL_ENV = { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: DATABASE_SECRET.name, key: DATABASE_SECRET.key } } } as const;

const CONTAINER_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 65532,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
} as const;

export const MIGRATE_LABEL = { 'app.kubernetes.io/component': 'migrate' } as const;

/** A Job's name per release: its pod template is immutable, so each release's image gets a Job of its own. */
export const migrateJobName = (module: string, imageTag: string): string => `${module}-migrate-${imageTag.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;

/**
 * The rollout's migrations of one module (and the event bus's), applied by its own image's `migrate` command
 * before its Services' revisions can be ready: they verify the schema at start and answer /readyz 503 while it
 * is behind (docs/adr/0023). The five Jobs run at once and take turns on Postgres' advisory lock. A finished
 * Job is removed after a day; until then, re-applying the same release leaves it as it is.
 */
export function migrateJob(module: ModuleDeclaration, imageTag: string): Manifest {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(migrateJobName(module.name, imageTag), undefined, { ...MIGRATE_LABEL }),
    spec: {
      backoffLimit: 4,
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels: { ...PART_OF, ...MIGRATE_LABEL } },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'migrate',
              image: imageOf(module.name),
              args: ['main.js', 'migrate'],
              env: [DATABASE_URL_ENV],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              securityContext: CONTAINER_SECURITY,
            },
          ],
        },
      },
    },
  };
}

/**
 * One ksvc running one module's bundle over HTTP CloudEvents; scale-to-zero unless the module says otherwise,
 * its pool size and max-scale from the connection budget, admitting Broker tokens of `subjects` only.
 */
export function knativeService(module: ModuleDeclaration, connections: ServiceConnections, options: ManifestOptions = {}, subjects?: string): Manifest {
  const name = module.name;
  const rollout = options.traffic?.rolloutDuration ? { 'serving.knative.dev/rollout-duration': options.traffic.rolloutDuration } : undefined;
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: metadata(name, rollout, isClusterLocal(module.name) ? CLUSTER_LOCAL : {}),
    spec: {
      ...(options.traffic ? { traffic: trafficSplit(name, options.traffic) } : {}),
      template: {
        metadata: { labels: { ...PART_OF }, annotations: scalingAnnotations(module.scaling, connections) },
        spec: {
          containerConcurrency: 50,
          timeoutSeconds: 60,
          containers: [
            {
              image: imageOf(name),
              env: [
                { name: 'MODULES', value: name },
                { name: 'EVENT_TRANSPORT', value: 'http' },
                DATABASE_URL_ENV,
                { name: 'DATABASE_POOL_SIZE', value: String(connections.poolSize) },
                ...(subjects ? [{ name: 'EVENTS_BROKER_SUBJECTS', value: subjects }] : []),
              ],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              readinessProbe: { httpGet: { path: '/readyz' } },
              livenessProbe: { httpGet: { path: '/healthz' } },
              securityContext: CONTAINER_SECURITY,
            },
          ],
        },
      },
    },
  };
}

/**
 * The namespace the overlays put everything in, opted in to SinkBinding injection for clusters whose Eventing
 * webhook runs with SINK_BINDING_SELECTION_MODE=inclusion (the default, exclusion, needs no label).
 */
export function namespace(): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: metadata(NAMESPACE, undefined, { 'bindings.knative.dev/include': 'true' }) };
}

/** The Broker every module publishes to and every Trigger reads from, of the given class and config. */
export function broker(brokerClass: string, configName: string): Manifest {
  return {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Broker',
    metadata: metadata(BROKER_NAME, { 'eventing.knative.dev/broker.class': brokerClass }),
    spec: { config: { apiVersion: 'v1', kind: 'ConfigMap', name: configName } },
  };
}

/** The Kafka Broker's topic settings; `bootstrap.servers` comes from the overlay's patch (bootstrapServersPatch). */
export function brokerConfig(): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(BROKER_CONFIG_NAME),
    data: {
      'default.topic.partitions': '10',
      'default.topic.replication.factor': '3',
    },
  };
}

/** Where the Kafka Broker finds Kafka: the one value of the Broker config that differs per cluster. */
export function bootstrapServersPatch(servers = 'my-cluster-kafka-bootstrap.kafka:9092'): Manifest {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: BROKER_CONFIG_NAME }, data: { 'bootstrap.servers': servers } };
}

/**
 * A Trigger's `delivery`, copied from the declaration. `timeout` bounds each attempt (Eventing's
 * `delivery-timeout` feature, enabled by default; the Kafka Broker's dispatcher would otherwise wait 600 s).
 */
export function triggerDelivery(subscription: Subscription): Manifest {
  const { retry, backoffPolicy, backoffDelay, timeout, deadLetter } = subscription.delivery;
  return {
    retry,
    backoffPolicy,
    backoffDelay,
    timeout,
    ...(deadLetter ? { deadLetterSink: deadLetterSink(subscription) } : {}),
  };
}

/**
 * The deadletter module's intake. Knative resolves the relative URI against the ref's address, and the
 * dead-lettered event it posts does not say which Trigger gave up: the query does.
 */
export function deadLetterSink(subscription: Subscription): Manifest {
  return { ref: serviceRef(DEAD_LETTER_SERVICE), uri: `/dead-letters/intake?subscription=${subscription.name}`, audience: serviceAudience(DEAD_LETTER_SERVICE) };
}

/** The Kafka Broker's per-Trigger setting: one event at a time per partition, in order. */
export const ORDERED_DELIVERY = { 'kafka.eventing.knative.dev/delivery.order': 'ordered' } as const;

/**
 * Which events a Trigger passes: the type, and the subscription's `when` if it has one. `filters` (the
 * Subscriptions API dialects) replaces `filter` when both are given, so a `when` carries the type along.
 */
export function triggerFilter(subscription: Subscription, options: ManifestOptions = {}): Manifest {
  const type = qualifiedType(subscription.contract.name, options.typePrefix ?? DEFAULT_EVENT_TYPE_PREFIX);
  return subscription.when ? { filters: [{ exact: { type } }, subscription.when] } : { filter: { attributes: { type } } };
}

/** One Trigger per subscription: its filter, the subscriber's ksvc, the declared delivery (and ordering). */
export function trigger(subscription: Subscription, options: ManifestOptions = {}): Manifest {
  return {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    metadata: metadata(subscription.name, subscription.ordered ? { ...ORDERED_DELIVERY } : undefined),
    spec: {
      broker: BROKER_NAME,
      ...triggerFilter(subscription, options),
      subscriber: { ref: serviceRef(subscription.subscriber), audience: serviceAudience(subscription.subscriber) },
      delivery: triggerDelivery(subscription),
    },
  };
}

/** Injects K_SINK (the Broker's address) into a publishing module's ksvc. */
export function sinkBinding(module: string): Manifest {
  return {
    apiVersion: 'sources.knative.dev/v1',
    kind: 'SinkBinding',
    metadata: metadata(`${module}-publishes`),
    spec: {
      subject: serviceRef(module),
      sink: { ref: brokerRef() },
    },
  };
}

export interface KnativeInput {
  readonly modules: readonly ModuleDeclaration[];
  readonly subscriptions: readonly Subscription[];
  readonly publishers: readonly string[];
  /** Each Service's pool size and max-scale (connection-budget.ts). */
  readonly connections: Readonly<Record<string, ServiceConnections>>;
}

/** The broker-independent manifests every overlay deploys, by the file they go to under deploy/knative/base. */
export function baseManifests(input: KnativeInput, options: ManifestOptions = {}, imageTag = 'latest'): Record<BaseFile, Manifest[]> {
  return {
    'namespace.yaml': [namespace()],
    'migrate.yaml': input.modules.map((module) => migrateJob(module, imageTag)),
    'services.yaml': input.modules.map((module) => knativeService(module, input.connections[module.name], options, brokerSubjects(module.name, input.subscriptions, DEAD_LETTER_SERVICE, NAMESPACE))),
    'triggers.yaml': input.subscriptions.map((subscription) => trigger(subscription, options)),
    'sinkbindings.yaml': input.publishers.map(sinkBinding),
    [POLICIES_FILE]: securityManifests(
      input.modules.map((module) => module.name),
      input.subscriptions,
      DEAD_LETTER_SERVICE,
    ),
  };
}

export const BASE_FILES = ['namespace.yaml', 'migrate.yaml', 'services.yaml', 'triggers.yaml', 'sinkbindings.yaml', POLICIES_FILE] as const;
export type BaseFile = (typeof BASE_FILES)[number];
