import { OrdersSchema1732500000100 } from './migrations/1732500000100-orders-schema';

export { OrderCreated } from './orders.events';
export { OrdersModule } from './orders.module';
export const ordersMigrations = [OrdersSchema1732500000100];
