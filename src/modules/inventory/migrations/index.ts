import { InventorySchema1732500000200 } from './1732500000200-inventory-schema';
import { SoldReservations1732500000700 } from './1732500000700-sold-reservations';

/** This module's migrations, in order. */
export const inventoryMigrations = [InventorySchema1732500000200, SoldReservations1732500000700];
