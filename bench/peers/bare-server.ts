/** The floor: node:http answering 204 without parsing or storing anything. Port 0, printed as `{"port":<n>}`. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.statusCode = 204;
    response.end();
  });
}).listen(0, '0.0.0.0', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`));
