import { ORDERS } from '../../modules/orders/orders.module';
import { runModule } from '../entrypoint';

runModule(ORDERS);
