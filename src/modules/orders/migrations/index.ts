import { OrdersSchema1732500000100 } from './1732500000100-orders-schema';

/** This module's migrations, in order. */
export const ordersMigrations = [OrdersSchema1732500000100];
