import { once } from 'node:events';
import { createServer, request as forward, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import type { ModuleDeclaration } from '../../../src/events';

export interface Route {
  readonly prefix: string;
  readonly method?: string;
  readonly target: () => string;
}

/** The routes of the modules' HTTP APIs, as their declarations name them, each to its module's process. */
export function moduleRoutes(modules: readonly Pick<ModuleDeclaration, 'name' | 'routes'>[], urlOf: (module: string) => string): Route[] {
  return modules.flatMap(({ name, routes }) => routes.map((prefix) => ({ prefix, target: () => urlOf(name) })));
}

/**
 * One address in front of several processes, like an ingress: the first route whose path prefix matches
 * takes the request. Lets scenarios written against one app talk to a split deployment unchanged.
 */
export class Gateway {
  private readonly server: Server;

  constructor(private readonly routes: readonly Route[]) {
    this.server = createServer((incoming, outgoing) => {
      const route = this.routes.find(({ prefix, method }) => (incoming.url ?? '/').startsWith(prefix) && (!method || method === incoming.method));
      if (!route) return void outgoing.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ statusCode: 404, error: 'Not Found', message: `no route for ${incoming.url}` }));
      const target = new URL(incoming.url ?? '/', route.target());
      const proxied = forward(target, { method: incoming.method, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      proxied.on('error', (error) => outgoing.writeHead(502).end(error.message));
      incoming.pipe(proxied);
    });
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
  }
}
