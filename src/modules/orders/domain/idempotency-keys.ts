import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash } from 'node:crypto';
import { durationMs } from '../../../platform/config/duration';
import { OrdersConfig, ordersConfig } from '../orders.config';
import { IdempotencyKeyReusedError } from './idempotency-key-reused.error';

export interface KeyClaim {
  userId: string;
  key: string;
  /** What was asked for, as validated: the same key with another request is refused. */
  request: unknown;
  /** The order this request places if the key is new. */
  orderId: string;
}

/** Expired keys are deleted this often (and at start), so the table holds about one window of keys. */
const PURGE_EVERY_MS = 10 * 60_000;

/**
 * The `Idempotency-Key`s of POST /orders, per customer, kept for ORDERS_IDEMPOTENCY_WINDOW (docs/adr/0016).
 * A key is claimed in the transaction that places the order: a second request with it, even one sent at the
 * same moment, waits on the key's primary key until the first commits, then answers with the first's order.
 */
@Injectable()
export class IdempotencyKeys implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IdempotencyKeys');
  private readonly windowMs: number;
  private purging?: NodeJS.Timeout;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(ordersConfig.KEY) config: OrdersConfig,
  ) {
    this.windowMs = durationMs(config.ORDERS_IDEMPOTENCY_WINDOW);
  }

  /** Claims the key for `claim.orderId` (undefined), or answers the order an earlier request with it placed. */
  async claim(claim: KeyClaim): Promise<string | undefined> {
    const requestHash = createHash('sha256').update(JSON.stringify(claim.request)).digest('base64url');
    // A key past its window is the client's to use again: it is taken over as if new.
    const claimed: unknown[] = await this.txHost.tx.query(
      `INSERT INTO orders.idempotency_keys (user_id, key, request_hash, order_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, order_id = EXCLUDED.order_id, created_at = now()
       WHERE idempotency_keys.created_at < now() - $5 * interval '1 millisecond'
       RETURNING 1`,
      [claim.userId, claim.key, requestHash, claim.orderId, this.windowMs],
    );
    if (claimed.length > 0) return undefined;
    const [earlier]: { request_hash: string; order_id: string }[] = await this.txHost.tx.query('SELECT request_hash, order_id FROM orders.idempotency_keys WHERE user_id = $1 AND key = $2', [claim.userId, claim.key]);
    if (earlier.request_hash !== requestHash) throw new IdempotencyKeyReusedError('this Idempotency-Key was sent with a different request; use a new key for a new order');
    return earlier.order_id;
  }

  onApplicationBootstrap(): void {
    void this.purge();
    this.purging = setInterval(() => void this.purge(), PURGE_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.purging);
  }

  private async purge(): Promise<void> {
    try {
      await this.txHost.tx.query(`DELETE FROM orders.idempotency_keys WHERE created_at < now() - $1 * interval '1 millisecond'`, [this.windowMs]);
    } catch (error) {
      this.logger.warn(`purging expired idempotency keys failed: ${(error as Error).message}`);
    }
  }
}
