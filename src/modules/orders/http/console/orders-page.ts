import { ConsolePage } from '../../../../platform/http/console/console-page';
import { Html, html } from '../../../../platform/http/console/html';
import { Page } from '../../../../platform/http/page';
import { OrderFilter, OrderSummary } from '../../domain/order-book';
import { ORDER_STATUSES, OrderStatus } from '../../domain/order-status';

/** What the operator sees above the list; a customer sees only its own orders. */
export interface OrdersOverview {
  counts: Partial<Record<OrderStatus, number>>;
  outbox: { pending: number; oldestAgeSeconds: number };
}

const REFRESH_MS = 2000;

/** `/console/orders`: recent orders newest first, filterable, and for operators the counts, outbox backlog and dead letters. */
export function ordersPage(page: Page<OrderSummary>, filter: OrderFilter, overview: OrdersOverview | undefined, paged: boolean): ConsolePage {
  return {
    title: 'Orders',
    // The first page is the live view; an older page stays put while it is read.
    refreshMs: paged ? undefined : REFRESH_MS,
    main: html`<h1>Orders</h1>
${overview ? overviewOf(overview) : ''}
<form class="filters" method="get" action="/console/orders" data-filter>
<label>Status <select name="status"><option value="">any</option>${ORDER_STATUSES.map((status) => html`<option${status === filter.status ? html` selected` : ''}>${status}</option>`)}</select></label>
<label>Customer <input name="userId" value="${filter.userId ?? ''}" maxlength="128"></label>
<button type="submit">Filter</button>
</form>
<table>
<caption class="muted">Newest first${paged ? '' : ', updating'}</caption>
<thead><tr><th scope="col">Order</th><th scope="col">Customer</th><th scope="col">Status</th><th scope="col">Total</th><th scope="col">Placed</th></tr></thead>
<tbody>
${page.items.length === 0 ? html`<tr><td colspan="5" class="muted">No orders.</td></tr>` : page.items.map(orderRow)}
</tbody>
</table>
${page.nextCursor ? html`<p><a href="/console/orders?${new URLSearchParams({ ...definedOf(filter), cursor: page.nextCursor }).toString()}">Older orders</a></p>` : ''}`,
  };
}

function overviewOf({ counts, outbox }: OrdersOverview): Html {
  return html`<ul class="counts" aria-label="Orders by status">
${ORDER_STATUSES.map(
  (status) => html`<li><strong class="${status}">${counts[status] ?? 0}</strong> <a href="/console/orders?status=${status}">${status}</a></li>
`,
)}
<li><strong>${outbox.pending}</strong> events in the outbox${outbox.pending > 0 ? html` <span class="muted">(oldest ${Math.round(outbox.oldestAgeSeconds)} s)</span>` : ''}</li>
<li id="dead-letter-summary" data-include="/console/dead-letters/summary"><a href="/console/dead-letters">Dead letters</a></li>
</ul>`;
}

function orderRow(order: OrderSummary): Html {
  return html`<tr>
<td><a href="/console/orders/${encodeURIComponent(order.orderId)}"><code>${order.orderId}</code></a></td>
<td>${order.userId}</td>
<td><span class="badge ${order.status}">${order.status}</span></td>
<td>${order.total === null ? '' : `${order.total} ${order.currency}`}</td>
<td><time datetime="${order.createdAt}">${order.createdAt}</time></td>
</tr>
`;
}

function definedOf(filter: OrderFilter): Record<string, string> {
  return Object.fromEntries(Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
