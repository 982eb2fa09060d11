import { PaymentSchema1732500000300 } from './migrations/1732500000300-payment-schema';

export { PaymentResult } from './payment.events';
export { PaymentModule } from './payment.module';
export const paymentMigrations = [PaymentSchema1732500000300];
