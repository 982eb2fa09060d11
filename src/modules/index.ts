import { DEADLETTER } from './deadletter/deadletter.module';
import { INVENTORY } from './inventory/inventory.module';
import { NOTIFICATION } from './notification/notification.module';
import { ORDERS } from './orders/orders.module';
import { PAYMENT } from './payment/payment.module';

/** Every module a process can run, by the name MODULES uses: the monolith's view of src/modules. */
export const MODULES = {
  orders: ORDERS,
  inventory: INVENTORY,
  payment: PAYMENT,
  notification: NOTIFICATION,
  deadletter: DEADLETTER,
} as const;

export type ModuleName = keyof typeof MODULES;

export const MODULE_NAMES = Object.keys(MODULES) as ModuleName[];
