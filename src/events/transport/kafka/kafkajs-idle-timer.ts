/**
 * kafkajs 2.2.4, its last release, re-arms a timer every millisecond on each broker connection, idle or not:
 * after checking its queue of pending requests it schedules the next check even when nothing is pending, at
 * `throttledUntil - now`, a negative delay that Node runs as 1 ms (tulios/kafkajs#1556; fixes #1667 and
 * #1768 unmerged). Measured here: 840 wake-ups/s and 5.5% of a core per idle module process. A check is only
 * ever needed while requests wait (held back by throttling or the in-flight limit), and a request that has
 * to wait schedules one itself, so with nothing pending no check is scheduled. Imported for its effect, once,
 * before any Kafka client is made.
 */
const RequestQueue = require('kafkajs/src/network/requestQueue') as RequestQueueClass;

interface RequestQueueClass {
  prototype: { pending: unknown[]; scheduleCheckPendingRequests(): void };
}

const scheduleCheckPendingRequests = RequestQueue.prototype.scheduleCheckPendingRequests;
// kafkajs is pinned; a release that reshapes the queue must fail at start, not when a request first waits.
if (typeof scheduleCheckPendingRequests !== 'function') {
  throw new Error('kafkajs request queue changed shape: revisit src/events/transport/kafka/kafkajs-idle-timer.ts');
}

RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleWhilePending(this: RequestQueueClass['prototype']) {
  if (this.pending.length > 0) scheduleCheckPendingRequests.call(this);
};

export {};
