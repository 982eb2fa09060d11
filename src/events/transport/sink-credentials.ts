import { readFileSync } from 'node:fs';

/** How often the token file is read again: the SinkBinding controller renews the token well before it expires. */
const REREAD_MS = 30_000;

/**
 * What publishing to K_SINK presents with `authentication-oidc` on: the OIDC token a SinkBinding projects into
 * the container (a Secret mounted at /oidc, key `token`), for the Broker's audience. Without the file (no OIDC, or
 * not on Knative) nothing is presented. Read lazily and again every 30 s, so a renewed token is picked up.
 */
export class SinkCredentials {
  private token?: string;
  private readAt = -Infinity;

  constructor(
    private readonly tokenFile: string,
    private readonly now: () => number = () => performance.now(),
  ) {}

  headers(): Record<string, string> {
    if (this.now() - this.readAt >= REREAD_MS) {
      this.token = readToken(this.tokenFile);
      this.readAt = this.now();
    }
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }
}

function readToken(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
