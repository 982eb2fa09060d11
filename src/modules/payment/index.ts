/** The public contract of the payment module: the events it publishes. Nothing else here may be imported by other modules. */
export { PaymentResult } from './payment.events';
