import { createHash } from 'node:crypto';
import type { Subscription } from '../../events/subscription';

/**
 * The trust boundary of the Knative deployment (docs/adr/0013): which Services the internet reaches, who may
 * deliver events to each, and what may open a connection to them at all. Pure functions; knative.ts puts
 * them in deploy/knative/base/policies.yaml.
 */

/** The file under deploy/knative that holds them. */
export const POLICIES_FILE = 'policies.yaml';

/** The one Service that serves customers (POST /orders, GET /orders/:id): every other is cluster-local. */
export const PUBLIC_SERVICE: string = 'orders';

// Declared here rather than imported: knative.ts imports this file, and the boundary rules forbid cycles.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kubernetes objects of any kind, as YAML gives them
type Manifest = Record<string, any>;
const PART_OF = { 'app.kubernetes.io/part-of': 'order-events' } as const;
/** The label Knative Serving puts on every pod of a Service: the NetworkPolicy selects by it. */
const SERVICE_LABEL = 'serving.knative.dev/service';

export function isClusterLocal(module: string): boolean {
  return module !== PUBLIC_SERVICE;
}

/**
 * The OIDC audience the Broker's tokens for a Service name: the receiver expects its K_SERVICE (the Service's
 * name) unless EVENTS_OIDC_AUDIENCE says otherwise, and each Trigger asks for it (`subscriber.audience`).
 */
export function serviceAudience(module: string): string {
  return module;
}

/**
 * Who may send events to a Service: the Broker, as the Triggers that deliver there (each Trigger's deliveries
 * and dead-letter deliveries carry that Trigger's OIDC identity). For the deadletter Service, whose only
 * event endpoint is the intake, every Trigger with a dead-letter sink: the Broker's dead-letter delivery.
 */
export function eventPolicy(module: string, subscriptions: readonly Subscription[], deadLetterService: string): Manifest {
  const senders = module === deadLetterService ? subscriptions.filter((subscription) => subscription.delivery.deadLetter) : subscriptions.filter((subscription) => subscription.subscriber === module);
  return {
    apiVersion: 'eventing.knative.dev/v1alpha1',
    kind: 'EventPolicy',
    metadata: { name: `${module}-from-broker`, labels: { ...PART_OF } },
    spec: {
      to: [{ ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: module } }],
      from: senders.map((subscription) => ({ ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Trigger', name: subscription.name } })),
    },
  };
}

/**
 * kmeta.ChildName of knative.dev/pkg: `parent + suffix`, or, past Kubernetes' 63 characters, a prefix of the
 * parent and an md5 that keeps it unique (knative.dev/pkg kmeta/names.go; security.spec.ts holds its test vectors).
 */
export function childName(parent: string, suffix: string): string {
  const longest = 63;
  const head = longest - 32;
  if (parent.length <= longest - suffix.length) return parent + suffix;
  if (head - suffix.length > 0) return `${parent.slice(0, head - suffix.length)}${md5(parent)}${suffix}`;
  const name = parent.slice(0, head) + md5(parent + suffix);
  return (name + suffix.slice(0, Math.max(0, longest - name.length))).replace(/[^a-zA-Z0-9]+$/, '');
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/**
 * The OIDC subject of a Trigger's deliveries: Eventing gives each Trigger a service account named
 * ChildName(<trigger>, "-oidc-eventing.knative.dev-Trigger"), then lower-cased (pkg/auth/serviceaccount.go: the
 * Kind as the GVK spells it, so the hash of a long name sees the capital), and its tokens' `sub` is that account's. The Broker's filter (and the Kafka Broker's dispatcher) deliver with it.
 */
export function triggerSubject(trigger: string, namespace: string): string {
  return `system:serviceaccount:${namespace}:${childName(trigger, '-oidc-eventing.knative.dev-Trigger').toLowerCase()}`;
}

/**
 * EVENTS_BROKER_SUBJECTS of a Service: the receivers check the token's subject themselves, since Knative
 * Serving does not enforce EventPolicies at a Service (docs/adr/0013). A module's Service admits its Triggers'
 * identities; the deadletter Service any identity of the namespace, because who delivers dead letters depends on
 * the Broker class (the Kafka Broker: the Trigger's identity; the channel-based Broker: its channel
 * Subscription's, whose name holds the Trigger's uid).
 */
export function brokerSubjects(module: string, subscriptions: readonly Subscription[], deadLetterService: string, namespace: string): string {
  if (module === deadLetterService) return `system:serviceaccount:${namespace}:*`;
  return subscriptions
    .filter((subscription) => subscription.subscriber === module)
    .map((subscription) => triggerSubject(subscription.name, namespace))
    .join(',');
}

/**
 * The cluster-local Services' pods take connections from the Knative data plane only (the Broker's dispatcher
 * and the Serving activator/gateway in their namespaces), never from other workloads of the cluster.
 */
export function dataPlaneOnly(modules: readonly string[]): Manifest {
  const fromNamespace = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'knative-data-plane-only', labels: { ...PART_OF } },
    spec: {
      podSelector: { matchExpressions: [{ key: SERVICE_LABEL, operator: 'In', values: modules.filter(isClusterLocal) }] },
      policyTypes: ['Ingress'],
      ingress: [{ from: ['knative-serving', 'knative-eventing', 'kourier-system'].map(fromNamespace) }],
    },
  };
}

/** Everything policies.yaml holds: an EventPolicy per Service, then the NetworkPolicy. */
export function securityManifests(modules: readonly string[], subscriptions: readonly Subscription[], deadLetterService: string): Manifest[] {
  return [...modules.map((module) => eventPolicy(module, subscriptions, deadLetterService)), dataPlaneOnly(modules)];
}
