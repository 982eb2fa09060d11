export interface Message {
  userId: string;
  orderId: string;
  title: string;
  body: string;
}

/** A way to reach a customer. A channel that cannot deliver throws, and the delivery is retried. */
export interface Channel {
  readonly name: string;
  /**
   * Whether sending reaches outside this process (a webhook). Such a channel is never sent from the handler
   * that decides to notify, whose transaction may roll back or run again with its batch: the notification.send
   * event it publishes is delivered to the Courier after the commit, once per event (ADR 15).
   */
  readonly external: boolean;
  /** `notificationId` (the notification.send event's id) is the same on every retry: the receiver's idempotency key. */
  send(message: Message, notificationId?: string): Promise<void>;
}

export const CHANNELS = Symbol('CHANNELS');
