import { InventorySchema1732500000200 } from './migrations/1732500000200-inventory-schema';

export { InventoryInsufficient, InventoryReleased, PaymentRequest } from './inventory.events';
export { InventoryModule } from './inventory.module';
export const inventoryMigrations = [InventorySchema1732500000200];
