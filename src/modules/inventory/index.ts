/** The public contract of the inventory module: the events it publishes. Nothing else here may be imported by other modules. */
export { InventoryInsufficient, InventoryReleased, PaymentRequest } from './inventory.events';
