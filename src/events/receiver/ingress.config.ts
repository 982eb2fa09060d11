import { ConfigType } from '@nestjs/config';
import { z } from 'zod';
import { defineConfig } from '../../platform/config/define-config';

/**
 * Who may send events to `POST /` (docs/adr/0013). External producers present EVENTS_INGRESS_TOKEN; on Knative
 * (EVENT_TRANSPORT=http) the Broker presents an OIDC token the cluster issued for this Service's audience.
 */
export const ingressConfig = defineConfig(
  'ingress',
  z.object({
    EVENTS_INGRESS_TOKEN: z
      .string()
      .min(16, 'must be at least 16 characters')
      .optional()
      .describe('Bearer token external producers present to send external event types (order.created) to POST /. Unset: POST / takes no external event.'),
    EVENTS_BROKER_AUTH: z
      .enum(['oidc', 'off'])
      .default('oidc')
      .describe('On Knative (EVENT_TRANSPORT=http), how the Broker proves itself at POST /: oidc (a token the cluster issued, verified here) or off (trust the network; tests only).'),
    EVENTS_OIDC_ISSUER: z
      .url({ protocol: /^https?$/ })
      .default('https://kubernetes.default.svc')
      .describe("Issuer of the Broker's OIDC tokens; its keys are found through <issuer>/.well-known/openid-configuration."),
    EVENTS_OIDC_AUDIENCE: z.string().min(1).max(253).optional().describe("Audience the Broker's tokens must name (this Service's; default: K_SERVICE, the Knative Service name)."),
    EVENTS_BROKER_SUBJECTS: z
      .string()
      .regex(/^[^\s,]+(,[^\s,]+)*$/, 'must be a comma-separated list of OIDC subjects, each exact or ending in *')
      .optional()
      .transform((list) => list?.split(','))
      .describe(
        "The OIDC subjects (sub) whose Broker tokens are admitted, comma-separated, each exact or a prefix ending in * (as an EventPolicy's from.sub): the identities of the Triggers that deliver here. Unset: any subject the issuer signed for this audience.",
      ),
    K_SERVICE: z.string().optional().describe('Set by Knative Serving: the name of this Service.'),
  }),
);

export type IngressConfig = ConfigType<typeof ingressConfig>;
