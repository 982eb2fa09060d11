import { eventually } from '../../../../test/support/eventually';
import './kafkajs-idle-timer';

// kafkajs publishes no types for its internals.
const RequestQueue = require('kafkajs/src/network/requestQueue');

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function requestQueue(maxInFlightRequests: number) {
  return new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'spec', broker: 'spec:9092', logger: silent });
}

function request(correlationId: number, sent: number[]) {
  return { entry: { correlationId, apiName: 'Fetch', apiVersion: 11, resolve: () => {}, reject: () => {} }, expectResponse: true, sendRequest: () => sent.push(correlationId) };
}

describe('kafkajs request queue', () => {
  it('schedules no check when nothing is pending, so an idle connection never wakes', () => {
    const queue = requestQueue(1);
    queue.checkPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('still sends a request held back by the in-flight limit once the one before is answered', () => {
    const queue = requestQueue(1);
    const sent: number[] = [];
    queue.push(request(1, sent));
    queue.push(request(2, sent));
    expect(sent).toEqual([1]);
    queue.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(sent).toEqual([1, 2]);
    queue.destroy();
  });

  it('sends a request held back by throttling when the throttle ends', async () => {
    const queue = requestQueue(10);
    const sent: number[] = [];
    queue.maybeThrottle(20);
    queue.push(request(1, sent));
    expect(sent).toEqual([]);
    await eventually(() => expect(sent).toEqual([1]));
    queue.destroy();
  });
});
