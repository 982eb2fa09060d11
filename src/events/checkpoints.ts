import { channel } from 'node:diagnostics_channel';

/**
 * Moments in the delivery path where a crash hurts most, announced on Node's diagnostics channels
 * (`toolsku:<checkpoint>`). Nothing in the app listens: with no subscriber a checkpoint costs one boolean
 * check. The fault tests preload test/support/faults/crash-at.js, which subscribes and SIGKILLs the process
 * there (ADR 17); no setting of the app can make it crash.
 */
const CHECKPOINTS = {
  /** The transport took an outbox event (in-process: every local handler committed; Kafka: the broker acked), before its row is marked. */
  outboxPublished: channel('toolsku:outbox.published'),
  /** `POST /` committed every delivery of a request, before it answers 204. */
  receiverCommitted: channel('toolsku:receiver.committed'),
};

export type Checkpoint = keyof typeof CHECKPOINTS;

export function checkpoint(name: Checkpoint): void {
  const announced = CHECKPOINTS[name];
  if (announced.hasSubscribers) announced.publish(name);
}
