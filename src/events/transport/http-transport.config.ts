import { ConfigType } from '@nestjs/config';
import { z } from 'zod';
import { defineConfig, isoDuration } from '../../platform/config/define-config';

/** Read only when EVENT_TRANSPORT=http: then K_SINK is required, and a process without it does not start. */
export const httpTransportConfig = defineConfig(
  'http-transport',
  z.object({
    K_SINK: z.url({ protocol: /^https?$/ }).describe('Set by a Knative SinkBinding: the Broker address every event this process emits is POSTed to.'),
    K_CA_CERTS: z.string().includes('-----BEGIN CERTIFICATE-----').optional().describe('Set by a SinkBinding when K_SINK is https: the PEM certificates to trust for it.'),
    K_SINK_TOKEN_FILE: z.string().min(1).default('/oidc/token').describe('The OIDC token a SinkBinding mounts (authentication-oidc), presented to K_SINK when the file exists.'),
    EVENTS_HTTP_TIMEOUT: isoDuration.default('PT10S').describe('How long one POST to K_SINK may take before it counts as failed and is retried.'),
  }),
);

export type HttpTransportConfig = ConfigType<typeof httpTransportConfig>;
