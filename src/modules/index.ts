import { DeadletterModule } from './deadletter/deadletter.module';
import { deadletterMigrations } from './deadletter/migrations';
import { InventoryModule } from './inventory/inventory.module';
import { inventoryMigrations } from './inventory/migrations';
import { NotificationModule } from './notification/notification.module';
import { notificationMigrations } from './notification/migrations';
import { OrdersModule } from './orders/orders.module';
import { ordersMigrations } from './orders/migrations';
import { PaymentModule } from './payment/payment.module';
import { inventoryConfig } from './inventory/inventory.config';
import { notificationConfig } from './notification/notification.config';
import { paymentConfig } from './payment/payment.config';
import { paymentMigrations } from './payment/migrations';

/** Every module a process can run, by the name MODULES uses: the composition roots' view of src/modules. */
export const MODULES = {
  orders: { module: OrdersModule, migrations: ordersMigrations, configs: [] },
  inventory: { module: InventoryModule, migrations: inventoryMigrations, configs: [inventoryConfig] },
  payment: { module: PaymentModule, migrations: paymentMigrations, configs: [paymentConfig] },
  notification: { module: NotificationModule, migrations: notificationMigrations, configs: [notificationConfig] },
  deadletter: { module: DeadletterModule, migrations: deadletterMigrations, configs: [] },
} as const;

export type ModuleName = keyof typeof MODULES;

export const MODULE_NAMES = Object.keys(MODULES) as ModuleName[];
