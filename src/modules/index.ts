import { DeadletterModule, deadletterMigrations } from './deadletter';
import { InventoryModule, inventoryMigrations } from './inventory';
import { NotificationModule, notificationMigrations } from './notification';
import { OrdersModule, ordersMigrations } from './orders';
import { PaymentModule, paymentMigrations } from './payment';

/** Every module a process can run, by the name MODULES uses. */
export const MODULES = {
  orders: { module: OrdersModule, migrations: ordersMigrations },
  inventory: { module: InventoryModule, migrations: inventoryMigrations },
  payment: { module: PaymentModule, migrations: paymentMigrations },
  notification: { module: NotificationModule, migrations: notificationMigrations },
  deadletter: { module: DeadletterModule, migrations: deadletterMigrations },
} as const;

export type ModuleName = keyof typeof MODULES;

export const MODULE_NAMES = Object.keys(MODULES) as ModuleName[];
