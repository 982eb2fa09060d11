import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { AppError } from '../../errors';

const CLOCK_SKEW_SECONDS = 30;

/** The identity provider's keys could not be fetched: retry later. */
export class CustomerKeysUnavailableError extends AppError {
  readonly code = 'CUSTOMER_KEYS_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
}

/** Verifies customers' bearer JWTs (RS256 or ES256) against the identity provider's JWKS, issuer and audience. */
export class CustomerTokens {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    private readonly issuer: string,
    private readonly audience: string,
    jwksUrl: string,
  ) {
    this.keys = createRemoteJWKSet(new URL(jwksUrl));
  }

  /** The customer id (`sub`) of a valid token, or undefined: a bad signature, another issuer or audience, expired, no `sub`. */
  async customerOf(token: string): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.keys, { issuer: this.issuer, audience: this.audience, algorithms: ['RS256', 'ES256'], clockTolerance: CLOCK_SKEW_SECONDS });
      return typeof payload.sub === 'string' && payload.sub.length > 0 && payload.sub.length <= 128 ? payload.sub : undefined;
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || (error instanceof errors.JOSEError && error.code === 'ERR_JWKS_INVALID')) throw new CustomerKeysUnavailableError("the identity provider's keys are unavailable");
      return undefined;
    }
  }
}
