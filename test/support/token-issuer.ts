import { exportJWK, generateKeyPair, CryptoKey, JWTPayload, SignJWT, UnsecuredJWT } from 'jose';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';

type Alg = 'RS256' | 'ES256';

export interface TokenOptions {
  alg?: Alg;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for a token that has expired. */
  expiresIn?: number;
  /** Signed with a key the JWKS does not publish. */
  unknownKey?: boolean;
}

/**
 * A local OpenID provider for tests: an RS256 and an ES256 key, published at `<url>/jwks` and named by
 * `<url>/.well-known/openid-configuration`; it signs whatever token a test asks for.
 */
export class TokenIssuer {
  private server?: Server;
  private keys = new Map<Alg, CryptoKey>();
  private strangers = new Map<Alg, CryptoKey>();
  private jwks: object[] = [];
  url = '';

  async start(): Promise<this> {
    for (const alg of ['RS256', 'ES256'] as const) {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      this.keys.set(alg, privateKey);
      this.jwks.push({ ...(await exportJWK(publicKey)), kid: alg.toLowerCase(), alg, use: 'sig' });
      this.strangers.set(alg, (await generateKeyPair(alg)).privateKey);
    }
    this.server = createServer((request, response) => {
      const body = request.url === '/jwks' ? { keys: this.jwks } : request.url === '/.well-known/openid-configuration' ? { issuer: this.url, jwks_uri: `${this.url}/jwks` } : undefined;
      response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
    }).listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  sign(subject: string, audience: string, options: TokenOptions = {}): Promise<string> {
    const alg = options.alg ?? 'RS256';
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({} as JWTPayload)
      .setProtectedHeader({ alg, kid: alg.toLowerCase() })
      .setSubject(subject)
      .setIssuer(options.issuer ?? this.url)
      .setAudience(options.audience ?? audience)
      .setIssuedAt(now - 600)
      .setExpirationTime(now + (options.expiresIn ?? 300))
      .sign((options.unknownKey ? this.strangers : this.keys).get(alg)!);
  }

  /** `alg: none`: claims anyone could write. */
  unsigned(subject: string, audience: string): string {
    return new UnsecuredJWT({}).setSubject(subject).setIssuer(this.url).setAudience(audience).setExpirationTime('5m').encode();
  }
}
