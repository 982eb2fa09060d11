import { PAYMENT } from '../../modules/payment/payment.module';
import { runModule } from '../entrypoint';

runModule(PAYMENT);
