import type { DeadLetterView } from '../modules/deadletter/domain/dead-letter-office';
import type { OrderView } from '../modules/orders/domain/order-book';
import type { OrderStatus } from '../modules/orders/domain/order-status';

export type { DeadLetterView, OrderStatus, OrderView };

/** The service answered with an error (its `code` when it sent one), or could not be reached. */
export class RequestFailedError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface StockView {
  sku: string;
  name: string;
  price: string;
  currency: string;
  available: number;
}

/** The HTTP API, as the CLI calls it: JSON in and out, the token (when given) as a bearer header. */
export class OrderEventsApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  placeOrder(body: { userId: string; items: { sku: string; quantity: number }[]; paymentMethod?: string }): Promise<{ orderId: string; status: OrderStatus }> {
    return this.call('POST', '/orders', body);
  }

  order(orderId: string): Promise<OrderView> {
    return this.call('GET', `/orders/${encodeURIComponent(orderId)}`);
  }

  stock(sku: string): Promise<StockView> {
    return this.call('GET', `/inventory/${encodeURIComponent(sku)}`);
  }

  deadLetters(query: Record<string, string | undefined>): Promise<{ items: DeadLetterView[]; nextCursor: string | null }> {
    const search = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString();
    return this.call('GET', `/dead-letters${search ? `?${search}` : ''}`);
  }

  replay(id: string): Promise<DeadLetterView> {
    return this.call('POST', `/dead-letters/${encodeURIComponent(id)}/replay`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      throw new RequestFailedError(`${method} ${path}: ${this.baseUrl} unreachable (${error instanceof Error ? error.message : String(error)})`);
    }
    const text = await response.text();
    const answer = parse(text);
    if (!response.ok) {
      const { code, message } = (answer ?? {}) as { code?: string; message?: string };
      throw new RequestFailedError(`${method} ${path}: ${response.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`, response.status, code);
    }
    return answer as T;
  }
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
