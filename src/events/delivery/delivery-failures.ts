import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CloudEvent } from 'cloudevents';
import { DataSource } from 'typeorm';
import { Subscription } from '../subscription';

export interface DeliveryFailure {
  readonly subscription: Subscription;
  readonly event: CloudEvent<unknown>;
  readonly attempt: number;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly deadLettered: boolean;
}

/**
 * Writes failed attempts to `events.delivery_failures` on the pool, outside the attempt's rolled-back
 * transaction. A record that cannot be written is logged and skipped: it is a diagnostic, and must never
 * change whether or when the event is retried.
 */
@Injectable()
export class DeliveryFailures {
  private readonly logger = new Logger(DeliveryFailures.name);

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async record({ subscription, event, attempt, errorCode, errorMessage, deadLettered }: DeliveryFailure): Promise<void> {
    try {
      await this.db.query(
        `INSERT INTO events.delivery_failures (subscription, module, event_source, event_id, type, subject, attempt, error_code, error_message, dead_lettered)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [subscription.name, subscription.subscriber, event.source, event.id, event.type, event.subject ?? null, attempt, errorCode, errorMessage, deadLettered],
      );
    } catch (error) {
      this.logger.warn(`could not record the failed attempt ${attempt} of ${subscription.name} on ${event.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
