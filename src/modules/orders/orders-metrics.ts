import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/**
 * Orders by status, counted at scrape time on the platform's Registry: a provider of this module, so it exists
 * exactly where orders runs. Silent while the table does not exist (a split bundle before its migrate Job).
 */
@Injectable()
export class OrdersMetrics {
  private readonly logger = new Logger(OrdersMetrics.name);

  constructor(registry: Registry, @InjectDataSource() dataSource: DataSource) {
    const logger = this.logger;
    new Gauge({
      name: 'orders_by_status',
      help: 'Orders currently in each status.',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        this.reset();
        try {
          const [{ present }] = await dataSource.query<Array<{ present: boolean }>>("SELECT to_regclass('orders.orders') IS NOT NULL AS present");
          if (!present) return;
          const rows = await dataSource.query<Array<{ status: string; count: string }>>('SELECT status, count(*) AS count FROM orders.orders GROUP BY status');
          for (const { status, count } of rows) this.set({ status }, Number(count));
        } catch (error) {
          logger.warn(`orders metrics unavailable: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    });
  }
}
