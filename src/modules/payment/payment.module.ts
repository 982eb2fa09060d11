import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Cashier } from './domain/cashier';
import { PAYMENT_GATEWAY } from './domain/payment-gateway';
import { SimulatedGateway } from './domain/simulated-gateway';
import { TakePaymentWhenPaymentRequestedHandler } from './handlers/take-payment-when-payment-requested.handler';
import { paymentConfig } from './payment.config';
import { PaymentResult } from './payment.events';
import { defineModule } from '../../events';
import { paymentMigrations } from './migrations';

@Module({
  imports: [ConfigModule.forFeature(paymentConfig)],
  controllers: [TakePaymentWhenPaymentRequestedHandler],
  providers: [Cashier, { provide: PAYMENT_GATEWAY, useClass: SimulatedGateway }],
})
export class PaymentModule {}

/**
 * How a composition root runs this module (the monolith with the others, or alone in src/split). One instance
 * stays warm on Knative: a shopper waits on the payment, and its cold start would add to every quiet-hour checkout.
 */
export const PAYMENT = defineModule({
  name: 'payment',
  owns: 'payments, gateway port, simulator',
  module: PaymentModule,
  migrations: paymentMigrations,
  configs: [paymentConfig],
  publishes: [PaymentResult],
  routes: [],
  scaling: { minScale: 1 },
});
