import { EventsSchema1732500000000 } from './1732500000000-events-schema';
import { DeliveryFailures1732500000600 } from './1732500000600-delivery-failures';

/** The bus's migrations, in order: every entrypoint runs them. */
export const eventsMigrations = [EventsSchema1732500000000, DeliveryFailures1732500000600];
