import { DeliveryBacklogFullError } from '../errors';

/** One item's result in a batch: its value, or why it failed. */
export type Settled<T> = { value: T } | { error: unknown };

interface Waiting<I, T> {
  item: I;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * A subscription's deliveries: at most `limit` batches at once. While every slot is busy, arrivals wait and
 * leave together, up to `maxBatch`, when a slot frees: a quiet subscription delivers one event at a time
 * (no added latency), a busy one shares a transaction among many (one commit instead of many). At most
 * `maxWaiting` wait: past that, an arrival is refused at once (a retryable error), never queued.
 */
export class DeliveryQueue<I, T> {
  private running = 0;
  private readonly waiting: Waiting<I, T>[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxBatch: number,
    private readonly work: (items: I[]) => Promise<Settled<T>[]>,
    private readonly maxWaiting = Number.POSITIVE_INFINITY,
  ) {}

  /** How many items wait for a slot now. */
  get depth(): number {
    return this.waiting.length;
  }

  submit(item: I): Promise<T> {
    if (this.waiting.length >= this.maxWaiting) return Promise.reject(new DeliveryBacklogFullError(`${this.waiting.length} deliveries already wait for this subscription`));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.running < this.limit) this.next();
    });
  }

  private next(): void {
    const batch = this.waiting.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.running++;
    void this.run(batch).finally(() => {
      this.running--;
      this.next();
    });
  }

  private async run(batch: Waiting<I, T>[]): Promise<void> {
    try {
      const results = await this.work(batch.map(({ item }) => item));
      batch.forEach((waiting, index) => {
        const result = results[index];
        if ('value' in result) waiting.resolve(result.value);
        else waiting.reject(result.error);
      });
    } catch (error) {
      batch.forEach((waiting) => waiting.reject(error));
    }
  }
}
