import { Pool } from 'pg';

/** What Postgres was asked to write per order: read from the server, not from the app. */
export interface DatabaseWork {
  writeTransactions: number;
  walBytes: number;
}

/**
 * Write transactions and WAL bytes between `start()` and `read()`, server-wide: the next transaction id and
 * the WAL position are exact at any instant (pg_stat_database's counters reach shared memory only when a
 * backend flushes them, up to seconds late). The benchmark is the only writer on the server while it runs.
 */
export class DatabaseWorkMeter {
  private before?: { xid: bigint; lsn: string };

  private constructor(private readonly pool: Pool) {}

  static forDatabase(url: string): DatabaseWorkMeter {
    return new DatabaseWorkMeter(new Pool({ connectionString: url, max: 1 }));
  }

  async start(): Promise<void> {
    this.before = await this.position();
  }

  async read(orders: number): Promise<DatabaseWork> {
    const now = await this.position();
    const {
      rows: [{ bytes }],
    } = await this.pool.query<{ bytes: string }>('SELECT pg_wal_lsn_diff($1, $2) AS bytes', [now.lsn, this.before!.lsn]);
    await this.pool.end();
    return { writeTransactions: Number(now.xid - this.before!.xid) / orders, walBytes: Number(bytes) / orders };
  }

  private async position(): Promise<{ xid: bigint; lsn: string }> {
    const {
      rows: [row],
    } = await this.pool.query<{ xid: string; lsn: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xid, pg_current_wal_lsn()::text AS lsn');
    return { xid: BigInt(row.xid), lsn: row.lsn };
  }
}
