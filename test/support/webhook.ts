import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** A notification webhook that answers what the test sets: 500 dead-letters its calls, 200 lets a replay succeed. */
export class SwitchableWebhook {
  answer = 500;
  private readonly server: Server = createServer((request, response) => {
    request.resume();
    response.statusCode = this.answer;
    response.end();
  });

  /** Starts it; the app settings that send notifications to it. */
  async start(): Promise<Record<string, string>> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return {
      NOTIFICATION_WEBHOOK_URL: `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/notify`,
      NOTIFICATION_WEBHOOK_SECRET: `whsec_${Buffer.from('switchable-webhook-secret-0123456').toString('base64')}`,
    };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
