import { PaymentSchema1732500000300 } from './1732500000300-payment-schema';

/** This module's migrations, in order. */
export const paymentMigrations = [PaymentSchema1732500000300];
