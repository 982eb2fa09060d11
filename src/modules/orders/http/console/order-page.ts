import type { LoggedEvent, LoggedFailure, TimelineEntry } from '../../domain/timeline';
import { ConsolePage } from '../../../../platform/http/console/console-page';
import { Html, html } from '../../../../platform/http/console/html';
import { OrderView } from '../../domain/order-book';
import { isFinal } from '../../domain/order-status';

/** A finished order's page keeps refreshing this long after its last step (notifications, retries of the webhook). */
const SETTLING_MS = 30_000;
const REFRESH_MS = 1000;

/** `/console/orders/:id`: the order and its chain, each event with who handled it, each failed attempt, timed from the order's creation. */
export function orderPage(order: OrderView, now = Date.now()): ConsolePage {
  const start = Date.parse(order.createdAt);
  const lastStep = Math.max(start, ...order.timeline.map((entry) => Date.parse(entry.time)));
  const live = !isFinal(order.status) || now - lastStep < SETTLING_MS;
  const traceId = order.timeline.find((entry): entry is LoggedEvent => 'traceId' in entry && entry.traceId !== undefined)?.traceId;
  return {
    title: `Order ${order.orderId}`,
    refreshMs: live ? REFRESH_MS : undefined,
    main: html`<h1>Order <code>${order.orderId}</code> <span class="badge ${order.status}" data-status="${order.status}">${order.status}</span></h1>
<dl class="facts">
<dt>Customer</dt><dd>${order.userId}</dd>
<dt>Items</dt><dd>${order.items.map((item, index) => html`${index > 0 ? ', ' : ''}<code>${item.sku}</code> &times; ${item.quantity}`)}</dd>
<dt>Total</dt><dd>${order.total === null ? html`<span class="muted">not priced yet</span>` : `${order.total} ${order.currency}`}</dd>
<dt>Placed</dt><dd><time datetime="${order.createdAt}">${order.createdAt}</time></dd>
${traceId ? html`<dt>Trace</dt><dd><code>${traceId}</code></dd>` : ''}
</dl>
<h2 id="timeline-heading">Timeline${live ? html` <span class="muted">(updating)</span>` : ''}</h2>
<ol class="timeline" aria-labelledby="timeline-heading">
${order.timeline.map((entry) => timelineEntry(entry, start))}
</ol>`,
  };
}

function timelineEntry(entry: TimelineEntry, start: number): Html {
  return 'handledBy' in entry ? eventEntry(entry, start) : failureEntry(entry, start);
}

function eventEntry(event: LoggedEvent, start: number): Html {
  const published = Date.parse(event.time);
  const handlers = event.handledBy.map(
    (step) => html`<li class="handled">handled by <code>${step.subscription}</code> (${step.module}), attempt ${step.attempt}, ${elapsed(Date.parse(step.time) - published)} after it was published</li>`,
  );
  return html`<li class="event" data-type="${event.type}">${when(event.time, start)}<strong title="${event.type}">${shortType(event.type)}</strong> from <em>${event.source}</em> <code class="muted">${event.id}</code>
<ul>${handlers.length > 0 ? handlers : html`<li class="muted">handled by no subscription</li>`}</ul></li>
`;
}

function failureEntry(failure: LoggedFailure, start: number): Html {
  const query = new URLSearchParams({ subscription: failure.subscription, type: failure.type }).toString();
  const outcome = failure.outcome === 'dead_lettered' ? html`<strong>dead-lettered</strong> (<a href="/console/dead-letters?${query}">find the letter</a>)` : 'will be retried';
  return html`<li class="${failure.outcome}" data-type="${failure.type}">${when(failure.time, start)}<strong title="${failure.type}">${shortType(failure.type)}</strong> failed in <code>${failure.subscription}</code>, attempt ${failure.attempt}: <code>${failure.errorCode}</code> ${failure.error}; ${outcome}</li>
`;
}

function when(time: string, start: number): Html {
  return html`<time class="when" datetime="${time}">+${elapsed(Date.parse(time) - start)}</time>`;
}

/** `com.toolsku.payment.request` reads as `payment.request` (the full type is its title). */
function shortType(type: string): string {
  return type.split('.').slice(-2).join('.');
}

function elapsed(ms: number): string {
  return ms < 1000 ? `${Math.max(0, ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
