import { QueryRunner } from 'typeorm';

/** One transaction of the fake database: its writes, kept apart until it commits, and how it ended. */
export interface FakeTransaction {
  readonly queryRunner: QueryRunner;
  readonly writes: string[];
  outcome?: 'commit' | 'rollback';
  /** Aborted when the transaction is ended from outside (a timed-out delivery): its connection is gone. */
  readonly terminated: AbortController;
}

/**
 * The part of `TransactionHost` a delivery transaction uses, over a database of string keys, for unit specs. It
 * records every transaction it begins, commits one whose work resolved and rolls back one whose work threw,
 * discarding its writes. A transaction sees the committed keys and its own; one runs at a time, as in one
 * `DeliveryTransaction.run`.
 */
export class InMemoryTransactions {
  readonly transactions: FakeTransaction[] = [];
  private readonly committed = new Set<string>();
  private open?: FakeTransaction;

  get tx(): { queryRunner: QueryRunner } {
    return { queryRunner: this.current().queryRunner };
  }

  async withTransaction<T>(work: () => Promise<T>): Promise<T> {
    const transaction: FakeTransaction = { queryRunner: {} as QueryRunner, writes: [], terminated: new AbortController() };
    this.transactions.push(transaction);
    this.open = transaction;
    try {
      const result = await work();
      if (transaction.terminated.signal.aborted) throw new Error('Connection terminated');
      transaction.outcome = 'commit';
      transaction.writes.forEach((key) => this.committed.add(key));
      return result;
    } catch (error) {
      transaction.outcome = 'rollback';
      throw error;
    } finally {
      this.open = undefined;
    }
  }

  /** Writes a key in the open transaction. */
  write(key: string): void {
    this.current().writes.push(key);
  }

  /** Whether the open transaction sees the key: committed before, or written by itself. */
  sees(key: string): boolean {
    return this.committed.has(key) || this.current().writes.includes(key);
  }

  /** Every committed key that starts with the prefix, in commit order. */
  committedKeys(prefix: string): string[] {
    return [...this.committed].filter((key) => key.startsWith(prefix));
  }

  /** Cuts the connection of the transaction that runs on this query runner, as `TimedOutTransactions` does. */
  terminate(queryRunner: QueryRunner): void {
    this.transactions.find((transaction) => transaction.queryRunner === queryRunner)?.terminated.abort();
  }

  /** The open transaction's abort signal: a handler that waits on I/O wakes up when it is cut off. */
  get terminated(): AbortSignal {
    return this.current().terminated.signal;
  }

  private current(): FakeTransaction {
    if (!this.open) throw new Error('no transaction is open');
    return this.open;
  }
}

/** `TimedOutTransactions` for unit specs: ends the transaction on the fake database and waits until it has rolled back. */
export class EndingTimedOutTransactions {
  readonly ended: QueryRunner[] = [];

  constructor(private readonly database: InMemoryTransactions) {}

  async end(queryRunner: QueryRunner, work: Promise<unknown>): Promise<void> {
    this.ended.push(queryRunner);
    this.database.terminate(queryRunner);
    await work.catch(() => undefined);
  }
}
