import { ingressConfig } from '../events/receiver/ingress.config';
import { parseConfig } from '../platform/config/define-config';
import { customerAuthConfig } from '../platform/http/customers/customer-auth.config';
import { httpConfig } from '../platform/http/http.config';

/** One start-up line: who may call what in this process (README "Security model"), and whether it is opened up. */
export function accessSummary(env: NodeJS.ProcessEnv, transport: string): { msg: string; open: boolean } {
  const customers = parseConfig(customerAuthConfig.namespace, customerAuthConfig.schema, env);
  const ingress = parseConfig(ingressConfig.namespace, ingressConfig.schema, env);
  const admin = parseConfig(httpConfig.namespace, httpConfig.schema, env).ADMIN_TOKEN ? 'admin token set' : 'admin endpoints closed (ADMIN_TOKEN unset)';
  const customer =
    customers.CUSTOMER_AUTH === 'off'
      ? 'customer endpoints OPEN to anybody (CUSTOMER_AUTH=off: local use only)'
      : customers.CUSTOMER_JWT_ISSUER
        ? `customers by JWT from ${customers.CUSTOMER_JWT_ISSUER}`
        : 'customer endpoints closed (CUSTOMER_JWT_ISSUER, CUSTOMER_JWT_AUDIENCE, CUSTOMER_JWKS_URL unset)';
  const events =
    transport === 'http'
      ? ingress.EVENTS_BROKER_AUTH === 'off'
        ? 'POST / OPEN: the Broker is trusted without a token (EVENTS_BROKER_AUTH=off: tests only)'
        : `POST / from the Knative Broker only (OIDC, issuer ${ingress.EVENTS_OIDC_ISSUER}, ${ingress.EVENTS_BROKER_SUBJECTS ? `${ingress.EVENTS_BROKER_SUBJECTS.length} admitted subjects` : 'any subject: EVENTS_BROKER_SUBJECTS unset'})`
      : ingress.EVENTS_INGRESS_TOKEN
        ? 'POST / takes external events with the ingress token'
        : 'POST / closed (EVENTS_INGRESS_TOKEN unset)';
  const open = customers.CUSTOMER_AUTH === 'off' || (transport === 'http' && ingress.EVENTS_BROKER_AUTH === 'off');
  return { msg: `access: ${customer}; ${events}; ${admin}`, open };
}
