import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventData, Subscribe } from '../../../events';
import { InventoryInsufficient } from '../../inventory';
import { shortageMessage } from '../domain/messages';
import { Notifier } from '../domain/notifier';

@Controller()
export class NotifyWhenStockInsufficientHandler {
  constructor(private readonly notifier: Notifier) {}

  @Subscribe(InventoryInsufficient, { name: 'notification-notify-when-stock-insufficient', subscriber: 'notification', batched: true, retry: 3, backoffPolicy: 'exponential', backoffDelay: 'PT0.25S' })
  handle(@Payload() shortage: EventData<typeof InventoryInsufficient>): Promise<void> {
    return this.notifier.notify(shortageMessage(shortage));
  }
}
