import { BROKER_NAME, Manifest, PART_OF } from './knative';

/**
 * The overlay `deploy/knative/channel-broker`: the same deployment on Knative's channel-based Broker
 * (MTChannelBasedBroker) with KafkaChannel underneath, for clusters that run the KafkaChannel but not the Kafka
 * Broker. Triggers, Services and SinkBindings are unchanged; only the Broker's class and config differ.
 */

export const CHANNEL_BROKER_DIR = 'channel-broker';
export const CHANNEL_TEMPLATE_CONFIG = 'kafka-channel-template';

/** The KafkaChannel every channel the Broker creates is made from. */
export function kafkaChannelTemplate(): Manifest {
  return {
    apiVersion: 'messaging.knative.dev/v1beta1',
    kind: 'KafkaChannel',
    spec: { numPartitions: 10, replicationFactor: 3 },
  };
}

/** The Broker config of a channel-based Broker: a ConfigMap holding the channel template (Knative's own key). */
export function channelTemplateConfig(template: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: CHANNEL_TEMPLATE_CONFIG, labels: { ...PART_OF } },
    data: { 'channel-template-spec': template },
  };
}

/** Re-points the generated Broker at the channel-based class and its channel template. */
export function channelBrokerKustomization(): Manifest {
  const patch = [
    { op: 'replace', path: '/metadata/annotations/eventing.knative.dev~1broker.class', value: 'MTChannelBasedBroker' },
    { op: 'replace', path: '/spec/config', value: { apiVersion: 'v1', kind: 'ConfigMap', name: CHANNEL_TEMPLATE_CONFIG } },
  ];
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['..', 'channel-template.yaml'],
    patches: [{ target: { group: 'eventing.knative.dev', version: 'v1', kind: 'Broker', name: BROKER_NAME }, patch: JSON.stringify(patch) }],
  };
}
