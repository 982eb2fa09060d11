import { PaymentSchema1732500000300 } from './1732500000300-payment-schema';
import { PaymentIntent1733300000300 } from './1733300000300-payment-intent';

/** This module's migrations, in order. */
export const paymentMigrations = [PaymentSchema1732500000300, PaymentIntent1733300000300];
