import { createRemoteJWKSet, JWTPayload } from 'jose';
import { readFileSync } from 'node:fs';
import { KeySet, verifiedClaims } from '../../platform/http/jwt';
import { SenderKeysUnavailableError } from './ingress.errors';

/** Where Kubernetes mounts a pod's own service account token: the cluster's discovery endpoints ask for one. */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Verifies the OIDC token Knative Eventing's Broker presents (feature `authentication-oidc`): signed by a key of
 * the issuer's JWKS (found through its OpenID discovery document), for this Service's audience, unexpired.
 * Keys are fetched on first use and cached by jose, which refetches them when a token names an unknown key.
 */
export class BrokerTokenVerifier {
  private keys?: Promise<KeySet>;

  constructor(
    private readonly issuer: string,
    private readonly audience: string,
    private readonly serviceAccountToken = SERVICE_ACCOUNT_TOKEN,
  ) {}

  /** The token's claims, or undefined when it is not a valid Broker token here. */
  async verify(token: string): Promise<JWTPayload | undefined> {
    const keys = await this.keySet();
    return verifiedClaims(token, keys, { issuer: this.issuer, audience: this.audience }, () => new SenderKeysUnavailableError("the OIDC issuer's keys are unavailable"));
  }

  private keySet(): Promise<KeySet> {
    // The cause stays out of the answer, which unauthenticated callers read: it may name hosts.
    this.keys ??= this.discover().catch(() => {
      this.keys = undefined;
      throw new SenderKeysUnavailableError("the OIDC issuer's keys are unavailable");
    });
    return this.keys;
  }

  private async discover(): Promise<KeySet> {
    const headers = this.credentials();
    const response = await fetch(new URL('.well-known/openid-configuration', `${this.issuer.replace(/\/$/, '')}/`), { headers, signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`answered ${response.status}`);
    const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: unknown };
    if (typeof jwksUri !== 'string') throw new Error('the discovery document names no jwks_uri');
    return createRemoteJWKSet(new URL(jwksUri), { headers });
  }

  /** The pod's own service account token when there is one: Kubernetes serves its discovery documents to service accounts. */
  private credentials(): Record<string, string> {
    try {
      return { authorization: `Bearer ${readFileSync(this.serviceAccountToken, 'utf8').trim()}` };
    } catch {
      return {};
    }
  }
}
