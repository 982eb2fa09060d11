import { DEADLETTER } from '../../modules/deadletter/deadletter.module';
import { runModule } from '../entrypoint';

runModule(DEADLETTER);
