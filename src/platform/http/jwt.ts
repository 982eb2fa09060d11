import { createRemoteJWKSet, errors, JWTPayload, jwtVerify } from 'jose';

export type KeySet = ReturnType<typeof createRemoteJWKSet>;

const CLOCK_SKEW_SECONDS = 30;

/**
 * The claims of a bearer JWT signed (RS256 or ES256) by one of `keys`, for `issuer` and `audience`, unexpired
 * (30 s of clock skew allowed); undefined when it is none of that. When the keys cannot be fetched it throws
 * `unavailable()` instead: that is the verifier's fault, and a retry may succeed.
 */
export async function verifiedClaims(token: string, keys: KeySet, expected: { issuer: string; audience: string }, unavailable: () => Error): Promise<JWTPayload | undefined> {
  try {
    return (await jwtVerify(token, keys, { ...expected, algorithms: ['RS256', 'ES256'], clockTolerance: CLOCK_SKEW_SECONDS })).payload;
  } catch (error) {
    if (error instanceof errors.JWKSTimeout || (error instanceof errors.JOSEError && error.code === 'ERR_JWKS_INVALID')) throw unavailable();
    return undefined;
  }
}
