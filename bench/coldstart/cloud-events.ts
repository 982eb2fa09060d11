import { randomUUID } from 'node:crypto';

export interface CloudEventRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A fresh binary-mode CloudEvent each call (a new id, so the inbox never answers "duplicate"). */
function binary(type: string, data: (orderId: string) => unknown, path = '/', extensions: Record<string, string> = {}): () => CloudEventRequest {
  return () => {
    const orderId = randomUUID();
    const headers: Record<string, string> = { 'ce-specversion': '1.0', 'ce-id': randomUUID(), 'ce-source': 'bench', 'ce-type': `com.toolsku.${type}`, 'ce-subject': orderId, 'content-type': 'application/json' };
    for (const [name, value] of Object.entries(extensions)) headers[`ce-${name}`] = value;
    return { path, headers, body: JSON.stringify(data(orderId)) };
  };
}

/** The event each module's Service receives first when it wakes up. */
export const CLOUD_EVENTS = {
  orders: binary('order.created', (orderId) => ({ orderId, userId: 'bench', items: [{ sku: 'SKU-001', quantity: 1 }] })),
  inventory: binary('order.created', (orderId) => ({ orderId, userId: 'bench', items: [{ sku: 'SKU-003', quantity: 1 }] })),
  payment: binary('payment.request', (orderId) => ({ orderId, userId: 'bench', amount: '1.00', currency: 'USD', method: 'card' })),
  notification: binary('payment.result', (orderId) => ({ orderId, userId: 'bench', status: 'succeeded', amount: '1.00' })),
  deadletter: binary('payment.request', (orderId) => ({ orderId }), '/dead-letters/intake?subscription=payment-take-payment-when-payment-requested', { knativeerrorcode: '500' }),
  bench: binary('notification.send', (orderId) => ({ userId: 'bench', channel: 'log', title: 'bench', body: 'bench', orderId })),
} as const;
