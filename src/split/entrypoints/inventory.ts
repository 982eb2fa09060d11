import { INVENTORY } from '../../modules/inventory/inventory.module';
import { runModule } from '../entrypoint';

runModule(INVENTORY);
