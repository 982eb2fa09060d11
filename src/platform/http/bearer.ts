import { createHash, timingSafeEqual } from 'node:crypto';

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerTokenOf(authorization: string | string[] | undefined): string | undefined {
  return typeof authorization === 'string' ? /^Bearer ([^\s]+)$/i.exec(authorization)?.[1] : undefined;
}

/** A configured bearer token, compared in constant time whatever the presented token's length. */
export class SharedSecret {
  private readonly expected: Buffer;

  constructor(value: string) {
    this.expected = digest(value);
  }

  matches(token: string | undefined): boolean {
    return token !== undefined && timingSafeEqual(digest(token), this.expected);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
