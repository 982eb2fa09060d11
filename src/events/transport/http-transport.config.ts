import { ConfigType } from '@nestjs/config';
import { z } from 'zod';
import { defineConfig, isoDuration } from '../../platform/config/define-config';

/** Read only when EVENT_TRANSPORT=http: then K_SINK is required, and a process without it does not start. */
export const httpTransportConfig = defineConfig(
  'http-transport',
  z.object({
    K_SINK: z.url({ protocol: /^https?$/ }).describe('Set by a Knative SinkBinding: the Broker address every event this process emits is POSTed to.'),
    EVENTS_HTTP_TIMEOUT: isoDuration.default('PT10S').describe('How long one POST to K_SINK may take before it counts as failed and is retried.'),
  }),
);

export type HttpTransportConfig = ConfigType<typeof httpTransportConfig>;
