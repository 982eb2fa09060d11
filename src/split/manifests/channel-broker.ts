import { broker, Manifest, PART_OF } from './knative';

/**
 * The overlay `deploy/knative/channel-broker`: the same deployment on Knative's channel-based Broker
 * (MTChannelBasedBroker) with KafkaChannel underneath, for clusters that run the KafkaChannel but not the Kafka
 * Broker. Only the Broker's class and config differ from the kafka-broker overlay.
 */

export const CHANNEL_TEMPLATE_CONFIG = 'kafka-channel-template';

/** The KafkaChannel every channel the Broker creates is made from. */
export function kafkaChannelTemplate(): Manifest {
  return {
    apiVersion: 'messaging.knative.dev/v1beta1',
    kind: 'KafkaChannel',
    spec: { numPartitions: 10, replicationFactor: 3 },
  };
}

/**
 * The Broker config of a channel-based Broker: a ConfigMap holding the channel template (Knative's own key).
 * The Broker reads it from its own namespace, where the overlay's `namespace:` puts it.
 */
export function channelTemplateConfig(template: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: CHANNEL_TEMPLATE_CONFIG, labels: { ...PART_OF } },
    data: { 'channel-template-spec': template },
  };
}

/** The channel-based Broker, under the name the SinkBindings and Triggers use. */
export function channelBroker(): Manifest {
  return broker('MTChannelBasedBroker', CHANNEL_TEMPLATE_CONFIG);
}
