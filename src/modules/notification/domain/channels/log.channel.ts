import { Logger } from '@nestjs/common';
import { Channel, Message } from './channel';

/** Writes the notification to the log: the channel that always works, for development and audits. */
export class LogChannel implements Channel {
  readonly name = 'log';
  readonly external = false;
  private readonly logger = new Logger('Notification');

  async send(message: Message): Promise<void> {
    this.logger.log(`to ${message.userId} about ${message.orderId}: ${message.title}`);
  }
}
