import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Socket } from 'node:net';
import { DataSource, QueryRunner } from 'typeorm';

/** How long ending a backend may take before the slot is given up anyway (the backend is then already cut off). */
const TERMINATE_WAIT_MS = 5000;

interface PgClient {
  processID: number;
  connection: { stream: Socket };
}

/**
 * Ends the transaction of a delivery that ran out of time, whatever it is doing (a statement, a lock wait, a
 * handler awaiting I/O): its connection is closed at once, so the pool never hands it out again and the
 * handler's next statement fails, then its backend is terminated and waited for, so the transaction has
 * rolled back before the delivery's slot frees. With one connection (the embedded Postgres) there is nothing
 * to terminate it from and no other to use: the delivery keeps its slot until its work settles.
 */
@Injectable()
export class TimedOutTransactions {
  private readonly logger = new Logger(TimedOutTransactions.name);

  constructor(@InjectDataSource() private readonly db: Pick<DataSource, 'query' | 'options'>) {}

  async end(queryRunner: QueryRunner, work: Promise<unknown>): Promise<void> {
    if (this.poolSize() <= 1) return void (await work.catch(() => undefined));
    if (queryRunner.isReleased) return;
    const client = (queryRunner as unknown as { databaseConnection: PgClient }).databaseConnection;
    // Closed before anything is awaited: once released, the same connection may serve someone else.
    client.connection.stream.destroy();
    await this.db
      .query('SELECT pg_terminate_backend($1, $2)', [client.processID, TERMINATE_WAIT_MS])
      .catch((error: Error) => this.logger.warn(`terminating the timed-out backend ${client.processID} failed: ${error.message}`));
  }

  private poolSize(): number {
    return (this.db.options.extra as { max?: number } | undefined)?.max ?? 10;
  }
}
