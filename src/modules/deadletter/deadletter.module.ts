import { Module } from '@nestjs/common';
import { DEAD_LETTER_SINK } from '../../events';
import { DeadLetterOffice } from './domain/dead-letter-office';
import { DeadLettersController } from './http/dead-letters.controller';

@Module({
  controllers: [DeadLettersController],
  providers: [DeadLetterOffice, { provide: DEAD_LETTER_SINK, useExisting: DeadLetterOffice }],
  exports: [DEAD_LETTER_SINK],
})
export class DeadletterModule {}
