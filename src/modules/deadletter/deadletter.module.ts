import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { DEAD_LETTER_SINK, eventsConfig } from '../../events';
import { DeadLetterOffice } from './domain/dead-letter-office';
import { DeadLetterIntakeController } from './http/dead-letter-intake.controller';
import { DeadLettersConsoleController } from './http/console/dead-letters-console.controller';
import { DeadLettersController } from './http/dead-letters.controller';
import { ConsoleModule } from '../../platform/http/console/console.module';
import { defineModule } from '../../events';
import { deadletterMigrations } from './migrations';

@Module({
  // The type prefix, to read the event types of the letters it checks against the subscription catalogue.
  imports: [ConfigModule.forFeature(eventsConfig), ConsoleModule],
  controllers: [DeadLettersController, DeadLettersConsoleController],
  providers: [DeadLetterOffice, { provide: DEAD_LETTER_SINK, useExisting: DeadLetterOffice }],
  exports: [DEAD_LETTER_SINK, DeadLetterOffice],
})
export class DeadletterModule {}

/** The intake Knative's dead-letter delivery posts to: routed only behind the Broker, and only for it. */
@Module({ imports: [DeadletterModule], controllers: [DeadLetterIntakeController] })
export class DeadLetterIntakeModule {}

/** How a composition root runs this module (the monolith with the others, or alone in src/split). */
export const DEADLETTER = defineModule({
  name: 'deadletter',
  owns: "dead letters (the router's dead-letter sink), replay",
  module: DeadletterModule,
  migrations: deadletterMigrations,
  configs: [],
  publishes: [],
  routes: ['/dead-letters'],
  brokerEndpoints: DeadLetterIntakeModule,
});
