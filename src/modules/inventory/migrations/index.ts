import { InventorySchema1732500000200 } from './1732500000200-inventory-schema';

/** This module's migrations, in order. */
export const inventoryMigrations = [InventorySchema1732500000200];
