import { stringify } from 'yaml';
import { channelBroker, channelTemplateConfig, kafkaChannelTemplate } from './channel-broker';
import { BASE_FILES, baseManifests, bootstrapServersPatch, broker, BROKER_CONFIG_NAME, brokerConfig, imageOf, KnativeInput, Manifest, ManifestOptions, NAMESPACE } from './knative';

/**
 * deploy/knative as kustomize lays it out: `base/` holds what every deployment shares (the Namespace, the
 * Services, Triggers and SinkBindings, the images' pinned tags); each overlay adds its Broker and sets the
 * namespace once, for everything, the Broker's ConfigMap included. A new broker-independent file joins base/
 * by being added to BASE_FILES.
 */

export const BASE_DIR = 'base';
export const KAFKA_BROKER_DIR = 'kafka-broker';
export const CHANNEL_BROKER_DIR = 'channel-broker';
export const OVERLAY_DIRS = [KAFKA_BROKER_DIR, CHANNEL_BROKER_DIR] as const;
export const BOOTSTRAP_PATCH = 'bootstrap-servers.yaml';

const KUSTOMIZATION = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' } as const;

/** The base: its files, and every module's image pinned to one release tag (`kustomize edit set image` sets a digest). */
export function baseKustomization(modules: readonly string[], imageTag: string): Manifest {
  return { ...KUSTOMIZATION, resources: [...BASE_FILES], images: modules.map((module) => ({ name: imageOf(module), newTag: imageTag })) };
}

function overlay(resources: string[], extra: Manifest = {}): Manifest {
  return { ...KUSTOMIZATION, namespace: NAMESPACE, resources: [`../${BASE_DIR}`, ...resources], ...extra };
}

/** Every file under deploy/knative (path relative to it) with the documents it holds. */
export function knativeLayout(input: KnativeInput, options: ManifestOptions, imageTag: string): Record<string, Manifest[]> {
  const files: Record<string, Manifest[]> = {};
  const base = baseManifests(input, options, imageTag);
  for (const file of BASE_FILES) files[`${BASE_DIR}/${file}`] = base[file];
  files[`${BASE_DIR}/kustomization.yaml`] = [
    baseKustomization(
      input.modules.map((module) => module.name),
      imageTag,
    ),
  ];

  files[`${KAFKA_BROKER_DIR}/kustomization.yaml`] = [overlay(['broker.yaml'], { patches: [{ path: BOOTSTRAP_PATCH }] })];
  files[`${KAFKA_BROKER_DIR}/broker.yaml`] = [brokerConfig(), broker('Kafka', BROKER_CONFIG_NAME)];
  files[`${KAFKA_BROKER_DIR}/${BOOTSTRAP_PATCH}`] = [bootstrapServersPatch()];

  files[`${CHANNEL_BROKER_DIR}/kustomization.yaml`] = [overlay(['broker.yaml', 'channel-template.yaml'])];
  files[`${CHANNEL_BROKER_DIR}/broker.yaml`] = [channelBroker()];
  files[`${CHANNEL_BROKER_DIR}/channel-template.yaml`] = [channelTemplateConfig(stringify(kafkaChannelTemplate()))];
  return files;
}
