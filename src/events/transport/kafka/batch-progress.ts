/**
 * Which records of a fetched batch (one partition, offsets ascending) are finished, so that the offset
 * resolved for commit never passes a record still in flight: records of different keys finish out of order.
 */
export class BatchProgress {
  private readonly finished: boolean[];
  private next = 0;

  constructor(private readonly offsets: readonly string[]) {
    this.finished = offsets.map(() => false);
  }

  /** Marks the record at `index` finished; returns the offset every record up to which is finished, when that moved. */
  finish(index: number): string | undefined {
    this.finished[index] = true;
    const before = this.next;
    while (this.next < this.offsets.length && this.finished[this.next]) this.next++;
    return this.next > before ? this.offsets[this.next - 1] : undefined;
  }
}
