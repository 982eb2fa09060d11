import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Cashier } from './domain/cashier';
import { PAYMENT_GATEWAY } from './domain/payment-gateway';
import { SimulatedGateway } from './domain/simulated-gateway';
import { TakePaymentWhenPaymentRequestedHandler } from './handlers/take-payment-when-payment-requested.handler';
import { paymentConfig } from './payment.config';

@Module({
  imports: [ConfigModule.forFeature(paymentConfig)],
  controllers: [TakePaymentWhenPaymentRequestedHandler],
  providers: [Cashier, { provide: PAYMENT_GATEWAY, useClass: SimulatedGateway }],
})
export class PaymentModule {}
