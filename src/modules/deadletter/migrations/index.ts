import { DeadletterSchema1732500000500 } from './1732500000500-deadletter-schema';

/** This module's migrations, in order. */
export const deadletterMigrations = [DeadletterSchema1732500000500];
