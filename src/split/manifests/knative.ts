import { DEFAULT_EVENT_TYPE_PREFIX, qualifiedType } from '../../events/catalog';
import { Subscription } from '../../events/subscription';
import { ModuleName } from '../../modules';

/**
 * The Knative manifests of the split deployment, as plain objects: one ksvc per module, one Kafka-class Broker,
 * one Trigger per `@Subscribe` declaration (same filter, same delivery policy) and one SinkBinding per
 * publishing module. Pure: the caller passes what it read from the code (see subscriptions.ts).
 */

export type Manifest = Record<string, any>;

export const PART_OF = { 'app.kubernetes.io/part-of': 'order-events' } as const;
export const BROKER_NAME = 'order-events';
export const BROKER_CONFIG_NAME = 'kafka-broker-config';
export const IMAGE = 'toolsku/order-events';
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

export interface ManifestOptions {
  /** The CloudEvents type prefix the Trigger filters use (EVENT_TYPE_PREFIX); default `com.toolsku`. */
  readonly typePrefix?: string;
}

function serviceRef(name: string) {
  return { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name };
}

function brokerRef() {
  return { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: BROKER_NAME };
}

function metadata(name: string, annotations?: Record<string, string>) {
  return { name, labels: { ...PART_OF }, ...(annotations ? { annotations } : {}) };
}

/** One scale-to-zero ksvc running one module over HTTP CloudEvents. */
export function knativeService(module: ModuleName): Manifest {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: metadata(module),
    spec: {
      template: {
        metadata: { labels: { ...PART_OF }, annotations: { ...SCALING_ANNOTATIONS } },
        spec: {
          containerConcurrency: 50,
          timeoutSeconds: 60,
          containers: [
            {
              image: IMAGE,
              env: [
                { name: 'MODULES', value: module },
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
    ...(deadLetter ? { deadLetterSink: { ref: serviceRef(DEAD_LETTER_SERVICE) } } : {}),
  };
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
      subscriber: { ref: serviceRef(subscription.subscriber) },
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
  readonly modules: readonly ModuleName[];
  readonly subscriptions: readonly Subscription[];
  readonly publishers: readonly ModuleName[];
}

/** Every manifest, by the file it goes to under deploy/knative. */
export function knativeManifests(input: KnativeInput, options: ManifestOptions = {}): Record<ManifestFile, Manifest[]> {
  return {
    'services.yaml': input.modules.map(knativeService),
    'broker.yaml': [brokerConfig(), broker()],
    'triggers.yaml': input.subscriptions.map((subscription) => trigger(subscription, options)),
    'sinkbindings.yaml': input.publishers.map(sinkBinding),
  };
}

export const MANIFEST_FILES = ['services.yaml', 'broker.yaml', 'triggers.yaml', 'sinkbindings.yaml'] as const;
export type ManifestFile = (typeof MANIFEST_FILES)[number];

/** The kustomization listing the generated files. */
export function kustomization(): Manifest {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...MANIFEST_FILES],
  };
}
