import { Logger } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import { DeadLetterSink } from '../../delivery/dead-letter-sink';
import { deadLetterOf, DeadLetteredEvent } from '../../delivery/dead-lettered-event';
import { UnreadableRecordError } from '../../errors';
import { fromKafkaRecord } from './kafka-codec';

/**
 * In the process that runs the deadletter module: stores the dead letters other processes sent over the
 * dead-letter topic, through the same sink port the router uses. A record there that is no dead letter
 * cannot itself be dead-lettered: it is logged and passed over.
 */
export class DeadLetterIntake {
  private readonly logger = new Logger('Kafka dead letters');

  constructor(private readonly sink: DeadLetterSink) {}

  readonly handle = async (record: KafkaMessage, partition: number): Promise<void> => {
    let letter;
    try {
      letter = deadLetterOf(fromKafkaRecord(record).toJSON() as unknown as DeadLetteredEvent);
    } catch (error) {
      const reason = error instanceof UnreadableRecordError ? error.message : `not a dead letter: ${(error as Error).message}`;
      this.logger.error(`dead-letter record ${partition}/${record.offset} passed over: ${reason}`);
      return;
    }
    await this.sink.accept(letter);
  };
}
