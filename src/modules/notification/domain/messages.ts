import type { EventData } from '../../../events';
import type { InventoryInsufficient } from '../../inventory';
import type { PaymentResult } from '../../payment';
import { Message } from './channels/channel';

export function paymentMessage(result: EventData<typeof PaymentResult>): Message {
  const { userId, orderId, amount } = result;
  return result.status === 'succeeded'
    ? { userId, orderId, title: 'Payment received', body: `We received your payment of ${amount} for order ${orderId}.` }
    : { userId, orderId, title: 'Payment failed', body: `Your payment of ${amount} for order ${orderId} failed: ${result.reason ?? 'unknown reason'}.` };
}

export function shortageMessage(shortage: EventData<typeof InventoryInsufficient>): Message {
  const skus = shortage.missing.map((line) => line.sku).join(', ');
  return { userId: shortage.userId, orderId: shortage.orderId, title: 'Order could not be fulfilled', body: `Not enough stock for ${skus}; order ${shortage.orderId} was not placed.` };
}
