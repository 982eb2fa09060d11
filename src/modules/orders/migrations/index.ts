import { OrdersSchema1732500000100 } from './1732500000100-orders-schema';
import { IdempotencyKeys1732500001900 } from './1732500001900-idempotency-keys';
import { OrdersByAge1733300002200 } from './1733300002200-orders-by-age';

/** This module's migrations, in order. */
export const ordersMigrations = [OrdersSchema1732500000100, IdempotencyKeys1732500001900, OrdersByAge1733300002200];
