import { NOTIFICATION } from '../../modules/notification/notification.module';
import { runModule } from '../entrypoint';

runModule(NOTIFICATION);
