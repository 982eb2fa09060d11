import { ConsolePage } from '../../../../platform/http/console/console-page';
import { Html, html } from '../../../../platform/http/console/html';
import { Page } from '../../../../platform/http/page';
import { DeadLetterFilter, DeadLetterView } from '../../domain/dead-letter-office';

type Facets = Record<'subscription' | 'type' | 'errorCode', string[]>;

/** `/console/dead-letters`: the letters newest first, filtered, each replayable, several at once. */
export function deadLettersPage(page: Page<DeadLetterView>, filter: DeadLetterFilter, facets: Facets): ConsolePage {
  const anyDead = page.items.some((letter) => letter.status === 'dead');
  return {
    title: 'Dead letters',
    main: html`<h1>Dead letters</h1>
<form class="filters" method="get" action="/console/dead-letters" data-filter>
${choice('Subscription', 'subscription', facets.subscription, filter.subscription)}
${choice('Event type', 'type', facets.type, filter.type)}
${choice('Error code', 'errorCode', facets.errorCode, filter.errorCode)}
${choice('Status', 'status', ['dead', 'replayed'], filter.status)}
<button type="submit">Filter</button>
</form>
<form id="replay" data-replay>
<table>
<caption class="muted">Newest first</caption>
<thead><tr><th scope="col">Select</th><th scope="col">Event</th><th scope="col">Subscription</th><th scope="col">Error</th><th scope="col">Attempts</th><th scope="col">Status</th><th scope="col">Dead-lettered</th><th scope="col">Replay</th></tr></thead>
<tbody>
${page.items.length === 0 ? html`<tr><td colspan="8" class="muted">No dead letters.</td></tr>` : page.items.map(letterRow)}
</tbody>
</table>
${anyDead ? html`<button type="submit">Replay selected</button>` : ''}
</form>
${page.nextCursor ? html`<p><a href="/console/dead-letters?${new URLSearchParams({ ...definedOf(filter), cursor: page.nextCursor }).toString()}">Older letters</a></p>` : ''}`,
  };
}

/** `/console/dead-letters/:id`: the letter, its error, the event as it was sent, and its replay. */
export function deadLetterPage(letter: DeadLetterView): ConsolePage {
  return {
    title: `Dead letter ${letter.id}`,
    main: html`<h1>Dead letter <code>${letter.id}</code> <span class="badge ${letter.status}" data-status="${letter.status}">${letter.status}</span></h1>
<dl class="facts">
<dt>Event</dt><dd><code>${letter.eventType}</code> <code class="muted">${letter.eventId}</code></dd>
<dt>Subscription</dt><dd><code>${letter.subscription}</code></dd>
<dt>Order</dt><dd>${letter.subject === null ? html`<span class="muted">none</span>` : html`<a href="/console/orders/${encodeURIComponent(letter.subject)}"><code>${letter.subject}</code></a>`}</dd>
<dt>Attempts</dt><dd>${letter.attempts}</dd>
<dt>Error</dt><dd><code>${letter.errorCode}</code> ${letter.errorMessage}</dd>
<dt>Dead-lettered</dt><dd><time datetime="${letter.createdAt}">${letter.createdAt}</time></dd>
${letter.replayedAt ? html`<dt>Replayed</dt><dd><time datetime="${letter.replayedAt}">${letter.replayedAt}</time></dd>` : ''}
</dl>
${letter.status === 'dead' ? html`<form data-replay><button type="submit" name="id" value="${letter.id}">Replay to ${letter.subscription}</button></form>` : ''}
<h2>Event</h2>
<pre><code>${JSON.stringify(letter.event, null, 2)}</code></pre>`,
  };
}

/** The dead-letter count the orders overview includes (`data-include`). */
export function deadLetterSummary(count: Record<'dead' | 'replayed', number>): ConsolePage {
  return {
    title: 'Dead letters',
    main: html`<ul><li id="dead-letter-summary"><strong class="dead">${count.dead}</strong> <a href="/console/dead-letters?status=dead">dead letters</a> <span class="muted">(${count.replayed} replayed)</span></li></ul>`,
  };
}

function letterRow(letter: DeadLetterView): Html {
  const what = `${letter.eventType} for ${letter.subscription}`;
  return html`<tr data-letter="${letter.id}">
<td>${letter.status === 'dead' ? html`<input type="checkbox" name="id" value="${letter.id}" aria-label="Select ${what}">` : ''}</td>
<td><a href="/console/dead-letters/${letter.id}"><code>${letter.eventType}</code></a>${letter.subject === null ? '' : html`<br><span class="muted">order ${letter.subject}</span>`}</td>
<td><code>${letter.subscription}</code></td>
<td><code>${letter.errorCode}</code> <span class="muted">${letter.errorMessage}</span></td>
<td>${letter.attempts}</td>
<td><span class="badge ${letter.status}" data-status="${letter.status}">${letter.status}</span></td>
<td><time datetime="${letter.createdAt}">${letter.createdAt}</time></td>
<td>${letter.status === 'dead' ? html`<button type="submit" name="id" value="${letter.id}" aria-label="Replay ${what}">Replay</button>` : ''}</td>
</tr>
`;
}

function choice(label: string, name: string, values: string[], chosen: string | undefined): Html {
  const options = chosen !== undefined && !values.includes(chosen) ? [...values, chosen] : values;
  return html`<label>${label} <select name="${name}"><option value="">any</option>${options.map((value) => html`<option${value === chosen ? html` selected` : ''}>${value}</option>`)}</select></label>`;
}

function definedOf(filter: DeadLetterFilter): Record<string, string> {
  return Object.fromEntries(Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
