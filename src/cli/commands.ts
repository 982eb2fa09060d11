import { setTimeout as sleep } from 'node:timers/promises';
import { isFinal } from '../modules/orders/domain/order-status';
import { OrderEventsApi, OrderView } from './api';
import { EXIT } from './exit-status';
import { Progress } from './progress';
import { deadLettersTable, printable, timelineTable } from './table';

export const USAGE = `usage: order-events <command> [options]

  place --user U --item SKU:QTY [--item ...] [--payment-method M] [--wait [--timeout S]]
  order ID [--watch [--timeout S]]
  stock SKU
  dead-letters list [--subscription S] [--status dead|replayed] [--limit N]
  dead-letters replay ID...

  --url URL      the service (default $ORDER_EVENTS_URL, else http://localhost:8080)
  --token T      bearer token: the admin token or a customer's JWT (default $ORDER_EVENTS_TOKEN,
                 else $ADMIN_TOKEN; prefer the environment: a flag shows in the process list)
  --json         print JSON for scripts
  --wait/--watch follow the order until it is paid, rejected or payment_failed (--timeout, default 60 s)

exit status: 0 paid (or still in flight, without --wait/--watch), 1 rejected or payment_failed,
             2 bad usage, 3 timed out waiting, 4 the service refused a request or could not be reached
`;

export class UsageError extends Error {}

export interface Options {
  url?: string;
  token?: string;
  json?: boolean;
  user?: string;
  item?: string[];
  'payment-method'?: string;
  wait?: boolean;
  watch?: boolean;
  timeout?: string;
  subscription?: string;
  status?: string;
  limit?: string;
}

const POLL_MS = 500;

/** Runs one command; resolves with the exit status. */
export async function runCommand([command, ...args]: string[], options: Options, env: NodeJS.ProcessEnv): Promise<number> {
  const api = new OrderEventsApi(serviceUrl(options.url ?? env.ORDER_EVENTS_URL), options.token ?? env.ORDER_EVENTS_TOKEN ?? env.ADMIN_TOKEN);
  const out = (text: string, json: unknown) => process.stdout.write(options.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
  switch (command) {
    case 'place':
      return place(api, args, options, out);
    case 'order': {
      const [orderId] = exactly(args, 1, 'order ID');
      return options.watch ? follow(api, orderId, options, out) : report(await api.order(orderId), out);
    }
    case 'stock': {
      const [sku] = exactly(args, 1, 'stock SKU');
      const stock = await api.stock(sku);
      out(printable(`${stock.sku}  ${stock.name}  ${stock.price} ${stock.currency}  ${stock.available} available`), stock);
      return EXIT.ok;
    }
    case 'dead-letters':
      return deadLetters(api, args, options, out);
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

type Out = (text: string, json: unknown) => void;

async function place(api: OrderEventsApi, args: string[], options: Options, out: Out): Promise<number> {
  exactly(args, 0, 'place takes options only');
  if (!options.user) throw new UsageError('place needs --user');
  if (!options.item?.length) throw new UsageError('place needs at least one --item SKU:QTY');
  const placed = await api.placeOrder({ userId: options.user, items: options.item.map(itemOf), paymentMethod: options['payment-method'] });
  if (!options.wait) {
    out(`order ${placed.orderId} ${placed.status}`, placed);
    return EXIT.ok;
  }
  // The id first, so that it is known whatever happens while waiting.
  if (!options.json) process.stdout.write(`order ${placed.orderId} placed\n`);
  return follow(api, placed.orderId, options, out);
}

/** Polls the order until its status is final or the timeout passes, then prints it with its timeline. */
async function follow(api: OrderEventsApi, orderId: string, options: Options, out: Out): Promise<number> {
  const deadline = Date.now() + seconds(options.timeout ?? '60') * 1000;
  const progress = new Progress();
  let order = await api.order(orderId);
  while (!isFinal(order.status) && Date.now() < deadline) {
    progress.show(order.status, order.timeline.length);
    await sleep(POLL_MS);
    order = await api.order(orderId);
  }
  progress.done();
  if (!isFinal(order.status)) {
    out(`order ${order.orderId} still ${order.status}: timed out\n\n${timelineTable(order)}`, { ...order, timedOut: true });
    return EXIT.timeout;
  }
  return report(order, out);
}

function report(order: OrderView, out: Out): number {
  const total = order.total === null ? '' : `, total ${order.total} ${order.currency}`;
  out(`order ${order.orderId} ${order.status}${total}\n\n${timelineTable(order)}`, order);
  return order.status === 'rejected' || order.status === 'payment_failed' ? EXIT.orderFailed : EXIT.ok;
}

async function deadLetters(api: OrderEventsApi, [action, ...ids]: string[], options: Options, out: Out): Promise<number> {
  if (action === 'list') {
    exactly(ids, 0, 'dead-letters list takes options only');
    const page = await api.deadLetters({ subscription: options.subscription, status: options.status, limit: options.limit });
    out(deadLettersTable(page.items), page);
    return EXIT.ok;
  }
  if (action !== 'replay' || ids.length === 0) throw new UsageError('dead-letters list | dead-letters replay ID...');
  const results: Array<{ id: string; status?: string; error?: string }> = [];
  for (const id of ids) {
    try {
      results.push({ id, status: (await api.replay(id)).status });
    } catch (error) {
      results.push({ id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  out(results.map((result) => (result.error ? `${result.id}  not replayed: ${printable(result.error)}` : `${result.id}  ${result.status}`)).join('\n'), results);
  return results.some((result) => result.error) ? EXIT.requestFailed : EXIT.ok;
}

function itemOf(spec: string): { sku: string; quantity: number } {
  const match = /^(.+):([1-9]\d{0,5})$/.exec(spec);
  if (!match) throw new UsageError(`--item ${JSON.stringify(spec)}: expected SKU:QUANTITY, e.g. SKU-001:2`);
  return { sku: match[1], quantity: Number(match[2]) };
}

function seconds(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--timeout ${JSON.stringify(text)}: expected seconds, e.g. 60`);
  return value;
}

function serviceUrl(url = 'http://localhost:8080'): string {
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw new UsageError(`--url ${JSON.stringify(url)}: expected an http(s) URL`);
  return url;
}

function exactly(args: string[], count: number, usage: string): string[] {
  if (args.length !== count) throw new UsageError(`usage: order-events ${usage}`);
  return args;
}
