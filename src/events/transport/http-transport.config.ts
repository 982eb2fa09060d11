import { ConfigType } from '@nestjs/config';
import { z } from 'zod';
import { defineConfig, isoDuration } from '../../platform/config/define-config';

/** Read only when EVENT_TRANSPORT=http. */
export const httpTransportConfig = defineConfig(
  'http-transport',
  z.object({
    K_SINK: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('Set by a Knative SinkBinding: the Broker address every event this process emits is POSTed to. Unset, the process serves and what it publishes waits in the outbox.'),
    K_CA_CERTS: z.string().includes('-----BEGIN CERTIFICATE-----').optional().describe('Set by a SinkBinding when K_SINK is https: the PEM certificates to trust for it.'),
    K_SINK_TOKEN_FILE: z.string().min(1).default('/oidc/token').describe('The OIDC token a SinkBinding mounts (authentication-oidc), presented to K_SINK when the file exists.'),
    EVENTS_HTTP_TIMEOUT: isoDuration.default('PT10S').describe('How long one POST to K_SINK may take before it counts as failed and is retried.'),
  }),
);

export type HttpTransportConfig = ConfigType<typeof httpTransportConfig>;

/**
 * A Knative Service's first revision starts before its SinkBinding injects K_SINK (the binding waits for the
 * Broker to be addressable, then rolls out a second revision). Without a sink the process runs as an
 * intake-only replica: it serves deliveries, and what it publishes waits in the outbox (unleased) until a
 * process that has a sink dispatches it. Set in the environment, which the config namespaces read.
 */
export function holdOutboxWithoutSink(env: NodeJS.ProcessEnv): void {
  if (env.EVENT_TRANSPORT === 'http' && !env.K_SINK) env.EVENTS_OUTBOX_DISPATCH = 'false';
}
