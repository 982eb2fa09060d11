export interface Message {
  userId: string;
  orderId: string;
  title: string;
  body: string;
}

/** A way to reach a customer. A channel that cannot deliver throws, and the delivery is retried. */
export interface Channel {
  readonly name: string;
  send(message: Message): Promise<void>;
}

export const CHANNELS = Symbol('CHANNELS');
