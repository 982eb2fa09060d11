/** The public contract of the orders module: the events it publishes. Nothing else here may be imported by other modules. */
export { OrderCreated } from './orders.events';
