import { ConfigType } from '@nestjs/config';
import { z } from 'zod';
import { defineConfig } from '../../config/define-config';

const JWT_KEYS = ['CUSTOMER_JWT_ISSUER', 'CUSTOMER_JWT_AUDIENCE', 'CUSTOMER_JWKS_URL'] as const;

/**
 * How customers prove who they are (docs/adr/0013). Closed by default: `jwt` with no issuer configured lets
 * no customer in (the admin token still works); `off` is the explicit opt-out of a local walkthrough.
 */
export const customerAuthConfig = defineConfig(
  'customer-auth',
  z
    .object({
      CUSTOMER_AUTH: z.enum(['jwt', 'off']).default('jwt').describe('jwt: customer endpoints need a bearer JWT (closed until the three CUSTOMER_JWT* keys are set); off: anyone may act for any userId (local use only).'),
      CUSTOMER_JWT_ISSUER: z.string().min(1).optional().describe('The `iss` customer tokens must carry.'),
      CUSTOMER_JWT_AUDIENCE: z.string().min(1).optional().describe('The `aud` customer tokens must carry (this API).'),
      CUSTOMER_JWKS_URL: z
        .url({ protocol: /^https?$/ })
        .optional()
        .describe("The identity provider's JWKS: the keys customer tokens are signed with (RS256 or ES256)."),
    })
    .superRefine((config, context) => {
      const set = JWT_KEYS.filter((key) => config[key] !== undefined);
      if (set.length > 0 && set.length < JWT_KEYS.length) {
        for (const key of JWT_KEYS.filter((key) => config[key] === undefined)) context.addIssue({ code: 'custom', path: [key], message: `required with ${set.join(', ')}` });
      }
    }),
);

export type CustomerAuthConfig = ConfigType<typeof customerAuthConfig>;
