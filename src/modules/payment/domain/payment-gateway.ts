/** The port to a card processor. Charges are idempotent by `idempotencyKey` (the order id), as real gateways' are. */
export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
}

export interface ChargeRequest {
  idempotencyKey: string;
  amountMinor: number;
  currency: string;
  method: string;
}

export type ChargeOutcome = { status: 'succeeded' } | { status: 'declined'; reason: string };

export const PAYMENT_GATEWAY = Symbol('PAYMENT_GATEWAY');
