import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse, parseAllDocuments } from 'yaml';
import { MODULE_NAMES } from '../src/modules';
import { KNATIVE_DIR, renderKnativeFiles } from '../src/split/manifests/generate';
import { DEAD_LETTER_SERVICE } from '../src/split/manifests/knative';
import { BASE_DIR } from '../src/split/manifests/layout';
import { POLICIES_FILE, PUBLIC_SERVICE } from '../src/split/manifests/security';
import { collectSubscriptions } from '../src/split/manifests/subscriptions';

/**
 * The Knative trust boundary as generated (docs/adr/0013): an EventPolicy per Service admitting only the
 * Broker's Triggers, every Service but orders cluster-local, a NetworkPolicy admitting only the Knative data
 * plane to them; each valid against its schema (Knative's EventPolicy CRD; Kubernetes' NetworkPolicy definition).
 */
const SCHEMAS = resolve(__dirname, 'fixtures/schemas');

type Doc = Record<string, any>;

function committed(file: string): Doc[] {
  return parseAllDocuments(readFileSync(resolve(KNATIVE_DIR, BASE_DIR, file), 'utf8')).map((doc) => doc.toJS());
}

/** Unknown fields are errors, as the API server's pruning makes them silently vanish. */
function strict(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strict);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: any = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === 'properties' ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, strict(v)])) : strict(value)]));
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

function eventPolicyValidator(ajv: Ajv): ValidateFunction {
  const crd = parse(readFileSync(resolve(SCHEMAS, 'knative/eventing/eventpolicy.yaml'), 'utf8'));
  const schema = strict(crd.spec.versions.find((version: { name: string }) => version.name === 'v1alpha1').schema.openAPIV3Schema);
  schema.properties.apiVersion = { const: 'eventing.knative.dev/v1alpha1' };
  schema.properties.kind = { const: 'EventPolicy' };
  schema.properties.metadata = {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string', maxLength: 63 }, labels: { type: 'object', additionalProperties: { type: 'string' } } },
    additionalProperties: false,
  };
  return ajv.compile({ ...schema, required: ['apiVersion', 'kind', 'metadata', 'spec'] });
}

function networkPolicyValidator(ajv: Ajv): ValidateFunction {
  const swagger = JSON.parse(readFileSync(resolve(SCHEMAS, 'k8s/k8s-1.36-networkpolicy-subset.json'), 'utf8'));
  // Swagger 2.0 definitions as JSON Schema: IntOrString is either, the rest strict as the API server reads it.
  const definitions = strict(swagger.definitions);
  definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = { type: ['integer', 'string'] };
  const text = JSON.stringify(definitions).replace(/"#\/definitions\//g, '"#/$defs/');
  return ajv.compile({ $defs: JSON.parse(text), $ref: '#/$defs/io.k8s.api.networking.v1.NetworkPolicy' });
}

describe('the Knative trust boundary manifests', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const policies = committed(POLICIES_FILE);
  const eventPolicies = policies.filter((doc) => doc.kind === 'EventPolicy');
  const subscriptions = collectSubscriptions().map(({ subscription }) => subscription);

  it('are committed as the code declares them', () => {
    expect(readFileSync(resolve(KNATIVE_DIR, BASE_DIR, POLICIES_FILE), 'utf8')).toBe(renderKnativeFiles()[`${BASE_DIR}/${POLICIES_FILE}`]);
    expect(committed('kustomization.yaml')[0].resources).toContain(POLICIES_FILE);
  });

  it('give every Service an EventPolicy valid against the EventPolicy CRD', () => {
    const validate = eventPolicyValidator(ajv);
    for (const policy of eventPolicies) expect({ name: policy.metadata.name, errors: validate(policy) ? null : validate.errors }).toEqual({ name: policy.metadata.name, errors: null });
    expect(eventPolicies.map((policy) => policy.spec.to)).toEqual(MODULE_NAMES.map((name) => [{ ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name } }]));
  });

  it("admit to each Service only the Broker's Triggers that deliver there, and to the deadletter Service only the Broker's dead-letter deliveries", () => {
    const senders = Object.fromEntries(eventPolicies.map((policy) => [policy.spec.to[0].ref.name, policy.spec.from.map((from: Doc) => `${from.ref.kind}/${from.ref.name}`).sort()]));
    for (const module of MODULE_NAMES.filter((name) => name !== DEAD_LETTER_SERVICE)) {
      expect(senders[module]).toEqual(
        subscriptions
          .filter((subscription) => subscription.subscriber === module)
          .map((subscription) => `Trigger/${subscription.name}`)
          .sort(),
      );
    }
    expect(senders[DEAD_LETTER_SERVICE]).toEqual(
      subscriptions
        .filter((subscription) => subscription.delivery.deadLetter)
        .map((subscription) => `Trigger/${subscription.name}`)
        .sort(),
    );
  });

  it('keep every Service but orders cluster-local, and ask for tokens with each Service audience', () => {
    const visibility = Object.fromEntries(committed('services.yaml').map((service) => [service.metadata.name, service.metadata.labels['networking.knative.dev/visibility'] ?? 'public']));
    expect(visibility).toEqual(Object.fromEntries(MODULE_NAMES.map((name) => [name, name === PUBLIC_SERVICE ? 'public' : 'cluster-local'])));
    for (const trigger of committed('triggers.yaml')) {
      expect(trigger.spec.subscriber.audience).toBe(trigger.spec.subscriber.ref.name);
      expect(trigger.spec.delivery.deadLetterSink?.audience ?? DEAD_LETTER_SERVICE).toBe(DEAD_LETTER_SERVICE);
    }
  });

  it('admit only the Knative data plane to the cluster-local Services, in a NetworkPolicy valid against its Kubernetes definition', () => {
    const [networkPolicy] = policies.filter((doc) => doc.kind === 'NetworkPolicy');
    const validate = networkPolicyValidator(ajv);

    expect(validate(networkPolicy) ? null : validate.errors).toBeNull();
    expect(networkPolicy.spec.podSelector.matchExpressions).toEqual([{ key: 'serving.knative.dev/service', operator: 'In', values: MODULE_NAMES.filter((name) => name !== PUBLIC_SERVICE) }]);
    expect(networkPolicy.spec.ingress).toEqual([{ from: ['knative-serving', 'knative-eventing', 'kourier-system'].map((name) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } })) }]);
    expect(validate({ ...networkPolicy, spec: { ...networkPolicy.spec, podSelectr: {} } })).toBe(false);
  });
});
