import { DeliveryTimeoutError } from '../errors';

/**
 * When a batch of deliveries must have finished: every transaction it runs (the retries of ADR 9 included)
 * shares one deadline, so a batch never outlives its events' timeout.
 */
export class DeliveryDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number, what: string) {
    this.timer = setTimeout(() => this.controller.abort(new DeliveryTimeoutError(`${what} did not finish within ${ms} ms`)), ms);
  }

  get expired(): boolean {
    return this.controller.signal.aborted;
  }

  get reason(): DeliveryTimeoutError {
    return this.controller.signal.reason as DeliveryTimeoutError;
  }

  clear(): void {
    clearTimeout(this.timer);
  }

  /**
   * Settles with `work`, or when the deadline passes first, rejects with the timeout once `stop` has stopped
   * the work: never while the work may still change anything.
   */
  async race<T>(work: Promise<T>, stop: () => Promise<void>): Promise<T> {
    let onExpiry = (): void => undefined;
    const stopped = new Promise<never>((_, reject) => {
      onExpiry = () => void stop().finally(() => reject(this.reason));
    });
    if (this.expired) onExpiry();
    else this.controller.signal.addEventListener('abort', onExpiry, { once: true });
    try {
      return await Promise.race([work, stopped]);
    } finally {
      this.controller.signal.removeEventListener('abort', onExpiry);
      work.catch(() => undefined);
    }
  }
}
