import { DeadletterSchema1732500000500 } from './migrations/1732500000500-deadletter-schema';

export { DeadletterModule } from './deadletter.module';
export const deadletterMigrations = [DeadletterSchema1732500000500];
