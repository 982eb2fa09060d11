import { DEFAULT_EVENT_TYPE_PREFIX, qualifiedType } from '../../events/catalog';
import { Subscription } from '../../events/subscription';
import { ModuleName } from '../../modules';
import { RunnableModule, ScalingDefaults } from '../../platform/runnable-module';
import { isClusterLocal, POLICIES_FILE, serviceAudience } from './security';

/**
 * The Knative manifests of the split deployment, as plain objects: one ksvc per module, one Kafka-class Broker,
 * one Trigger per `@Subscribe` declaration (same filter, same delivery policy) and one SinkBinding per
 * publishing module. Pure: the caller passes what it read from the code (see subscriptions.ts).
 */

export type Manifest = Record<string, any>;

export const PART_OF = { 'app.kubernetes.io/part-of': 'order-events' } as const;
export const BROKER_NAME = 'order-events';
export const BROKER_CONFIG_NAME = 'kafka-broker-config';
/** Each module's image is built with `--build-arg MODULE=<module>` (deploy/compose/Dockerfile); kustomize sets its tag. */
export const imageOf = (module: string): string => `toolsku/order-events-${module}`;
export const DATABASE_SECRET = { name: 'order-events-db', key: 'url' } as const;
/** The module whose ksvc is every Trigger's dead-letter sink. */
export const DEAD_LETTER_SERVICE: ModuleName = 'deadletter';

export const SCALING_ANNOTATIONS = {
  'autoscaling.knative.dev/min-scale': '0',
  'autoscaling.knative.dev/max-scale': '10',
  'autoscaling.knative.dev/target': '50',
  'autoscaling.knative.dev/scale-to-zero-pod-retention-period': '0s',
  'autoscaling.knative.dev/target-burst-capacity': '100',
} as const;

/** A canary rollout: the named stable revision keeps `100 - canaryPercent`, the latest revision gets the rest. */
export interface TrafficSplit {
  /** Revision suffix of the stable one (Knative names revisions `<service>-<suffix>`, e.g. `00001`). */
  readonly stableRevision: string;
  readonly canaryPercent: number;
}

export interface ManifestOptions {
  /** The CloudEvents type prefix the Trigger filters use (EVENT_TYPE_PREFIX); default `com.toolsku`. */
  readonly typePrefix?: string;
  /** Split each Service's traffic between a stable revision and the latest one, reachable by tag too. */
  readonly traffic?: TrafficSplit;
}

/** The annotations of a module's scaling defaults, over the scale-to-zero ones every module starts from. */
export function scalingAnnotations(scaling: ScalingDefaults = {}): Record<string, string> {
  const declared = {
    'autoscaling.knative.dev/min-scale': scaling.minScale,
    'autoscaling.knative.dev/max-scale': scaling.maxScale,
    'autoscaling.knative.dev/target': scaling.target,
  };
  const overrides = Object.entries(declared).filter(([, value]) => value !== undefined).map(([key, value]) => [key, String(value)]);
  return { ...SCALING_ANNOTATIONS, ...Object.fromEntries(overrides) };
}

/** `spec.traffic` of a canary rollout: both targets tagged, so each also has its own URL. */
export function trafficSplit(service: string, { stableRevision, canaryPercent }: TrafficSplit): Manifest[] {
  if (!Number.isInteger(canaryPercent) || canaryPercent < 0 || canaryPercent > 100) throw new RangeError(`canary percent must be an integer from 0 to 100, got ${canaryPercent}`);
  return [
    { tag: 'stable', revisionName: `${service}-${stableRevision}`, percent: 100 - canaryPercent },
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

/** One ksvc running one module's bundle over HTTP CloudEvents; scale-to-zero unless the module says otherwise. */
export function knativeService(module: RunnableModule, options: ManifestOptions = {}): Manifest {
  const name = module.name;
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: metadata(name, undefined, isClusterLocal(module.name as ModuleName) ? CLUSTER_LOCAL : {}),
    spec: {
      ...(options.traffic ? { traffic: trafficSplit(name, options.traffic) } : {}),
      template: {
        metadata: { labels: { ...PART_OF }, annotations: scalingAnnotations(module.scaling) },
        spec: {
          containerConcurrency: 50,
          timeoutSeconds: 60,
          containers: [
            {
              image: imageOf(name),
              env: [
                { name: 'MODULES', value: name },
                { name: 'EVENT_TRANSPORT', value: 'http' },
                { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: DATABASE_SECRET.name, key: DATABASE_SECRET.key } } },
              ],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              readinessProbe: { httpGet: { path: '/readyz' } },
              livenessProbe: { httpGet: { path: '/healthz' } },
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 65532,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  };
}

/** The Kafka-class Broker every module publishes to and every Trigger reads from. */
export function broker(): Manifest {
  return {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Broker',
    metadata: metadata(BROKER_NAME, { 'eventing.knative.dev/broker.class': 'Kafka' }),
    spec: { config: { apiVersion: 'v1', kind: 'ConfigMap', name: BROKER_CONFIG_NAME } },
  };
}

/** The Kafka Broker's topic settings. */
export function brokerConfig(): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(BROKER_CONFIG_NAME),
    data: {
      'default.topic.partitions': '10',
      'default.topic.replication.factor': '3',
      'bootstrap.servers': 'my-cluster-kafka-bootstrap.kafka:9092',
    },
  };
}

/**
 * A Trigger's `delivery`, copied from the declaration. `timeout` is left out: the v1 Trigger CRD schema
 * (eventing 1.22) declares no `delivery.timeout` (it is the feature-gated `delivery-timeout`); the per-attempt
 * timeout is enforced by the ksvc's `timeoutSeconds` and by the receiving handler itself.
 */
export function triggerDelivery(subscription: Subscription): Manifest {
  const { retry, backoffPolicy, backoffDelay, deadLetter } = subscription.delivery;
  return {
    retry,
    backoffPolicy,
    backoffDelay,
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

/** One Trigger per subscription: exact-match type filter, the subscriber's ksvc, the declared delivery. */
export function trigger(subscription: Subscription, options: ManifestOptions = {}): Manifest {
  return {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    metadata: metadata(subscription.name),
    spec: {
      broker: BROKER_NAME,
      filter: { attributes: { type: qualifiedType(subscription.contract.name, options.typePrefix ?? DEFAULT_EVENT_TYPE_PREFIX) } },
      subscriber: { ref: serviceRef(subscription.subscriber), audience: serviceAudience(subscription.subscriber as ModuleName) },
      delivery: triggerDelivery(subscription),
    },
  };
}

/** Injects K_SINK (the Broker's address) into a publishing module's ksvc. */
export function sinkBinding(module: ModuleName): Manifest {
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
  readonly modules: readonly RunnableModule[];
  readonly subscriptions: readonly Subscription[];
  readonly publishers: readonly ModuleName[];
}

/** Every manifest, by the file it goes to under deploy/knative. */
export function knativeManifests(input: KnativeInput, options: ManifestOptions = {}): Record<ManifestFile, Manifest[]> {
  return {
    'services.yaml': input.modules.map((module) => knativeService(module, options)),
    'broker.yaml': [brokerConfig(), broker()],
    'triggers.yaml': input.subscriptions.map((subscription) => trigger(subscription, options)),
    'sinkbindings.yaml': input.publishers.map(sinkBinding),
  };
}

export const MANIFEST_FILES = ['services.yaml', 'broker.yaml', 'triggers.yaml', 'sinkbindings.yaml'] as const;
export type ManifestFile = (typeof MANIFEST_FILES)[number];

/** The kustomization listing the generated files: set the namespace and the images' tags here. */
export function kustomization(modules: readonly ModuleName[]): Manifest {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: 'order-events',
    resources: [...MANIFEST_FILES, POLICIES_FILE],
    images: modules.map((module) => ({ name: imageOf(module), newTag: 'latest' })),
  };
}
