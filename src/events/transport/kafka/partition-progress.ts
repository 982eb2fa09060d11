interface TrackedRecord {
  offset: string;
  settled: boolean;
}

/**
 * The records of one partition taken for handling and not yet committed. Records of one key form a chain
 * (each starts once the one before it settled), so an order's events keep their order while other orders'
 * events run at once; the committable offset only moves over records that all settled, in whatever order
 * they finished.
 */
export class PartitionProgress {
  private readonly records: TrackedRecord[] = [];
  private readonly chains = new Map<string, Promise<boolean>>();
  private waiters: Array<{ below: number; resume(): void }> = [];
  private committable?: string;
  private committed?: string;

  /** Records taken and not yet behind the committable offset. */
  get pending(): number {
    return this.records.length;
  }

  /** Queues a record behind the earlier records of its key; `settle` answers whether it settled. */
  add(key: string, offset: string, settle: (previousSettled: boolean) => Promise<boolean>): Promise<boolean> {
    const record = { offset, settled: false };
    this.records.push(record);
    const settled = (this.chains.get(key) ?? Promise.resolve(true)).then(settle).then((done) => {
      if (done) this.settle(record);
      return done;
    });
    this.chains.set(key, settled);
    void settled.then(() => this.chains.get(key) === settled && this.chains.delete(key));
    return settled;
  }

  /** The offset to commit (the next one to read), when it moved past the last one committed. */
  toCommit(): string | undefined {
    return this.committable === this.committed ? undefined : this.committable;
  }

  markCommitted(offset: string): void {
    this.committed = offset;
  }

  /** Resolves once fewer than `below` records are pending, or the progress is released. */
  drained(below: number): Promise<void> {
    if (this.records.length < below) return Promise.resolve();
    return new Promise((resume) => this.waiters.push({ below, resume }));
  }

  /** The partition is read again from elsewhere: nobody waits on this progress any more. */
  release(): void {
    this.waiters.splice(0).forEach((waiter) => waiter.resume());
  }

  private settle(record: TrackedRecord): void {
    record.settled = true;
    let last: string | undefined;
    while (this.records.length > 0 && this.records[0].settled) last = this.records.shift()!.offset;
    if (last !== undefined) this.committable = (BigInt(last) + 1n).toString();
    this.waiters = this.waiters.filter((waiter) => (this.records.length < waiter.below ? (waiter.resume(), false) : true));
  }
}
