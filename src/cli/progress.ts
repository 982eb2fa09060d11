const FRAMES = ['|', '/', '-', '\\'];

/** A one-line spinner on stderr while an order is followed; nothing at all where stderr is not a terminal. */
export class Progress {
  private frame = 0;
  private readonly startedAt = Date.now();
  private readonly enabled: boolean;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.enabled = stream.isTTY === true;
  }

  show(status: string, steps: number): void {
    if (!this.enabled) return;
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(1);
    this.stream.write(`\r${FRAMES[this.frame++ % FRAMES.length]} ${status}, ${steps} steps, ${seconds}s\x1b[K`);
  }

  done(): void {
    if (this.enabled) this.stream.write('\r\x1b[K');
  }
}
