import { createRemoteJWKSet } from 'jose';
import { AppError } from '../../../kernel/errors';
import { KeySet, verifiedClaims } from '../jwt';

/** The identity provider's keys could not be fetched: retry later. */
export class CustomerKeysUnavailableError extends AppError {
  readonly code = 'CUSTOMER_KEYS_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
}

/** Verifies customers' bearer JWTs (RS256 or ES256) against the identity provider's JWKS, issuer and audience. */
export class CustomerTokens {
  private readonly keys: KeySet;

  constructor(
    private readonly issuer: string,
    private readonly audience: string,
    jwksUrl: string,
  ) {
    this.keys = createRemoteJWKSet(new URL(jwksUrl));
  }

  /** The customer id (`sub`) of a valid token, or undefined: a bad signature, another issuer or audience, expired, no `sub`. */
  async customerOf(token: string): Promise<string | undefined> {
    const claims = await verifiedClaims(token, this.keys, { issuer: this.issuer, audience: this.audience }, () => new CustomerKeysUnavailableError("the identity provider's keys are unavailable"));
    const subject = claims?.sub;
    return typeof subject === 'string' && subject.length > 0 && subject.length <= 128 ? subject : undefined;
  }
}
