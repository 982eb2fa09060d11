import { OrdersSchema1732500000100 } from './1732500000100-orders-schema';
import { IdempotencyKeys1732500001900 } from './1732500001900-idempotency-keys';

/** This module's migrations, in order. */
export const ordersMigrations = [OrdersSchema1732500000100, IdempotencyKeys1732500001900];
