import type { FastifyReply } from 'fastify';
import type { PageAccess } from './console-access';
import { Html, html } from './html';

/**
 * Console pages load only this origin's stylesheet and script, and run no inline script or style: what an
 * order's customer-chosen strings could smuggle into a page would not run even if escaping missed it.
 */
export const CONSOLE_CSP = ["default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self'", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'"].join('; ');

export interface ConsolePage {
  title: string;
  /** The page's content; the script swaps it for a fresh copy fetched with the token it holds. */
  main: Html;
  /** Fetch the page again after this many milliseconds (an order in flight, the live overview). */
  refreshMs?: number;
  /** The content needs a token: the script asks for one and fetches the page again with it. */
  needsToken?: boolean;
}

/** A whole console document: the layout shared by every module's pages. */
export function consoleDocument(page: ConsolePage): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · order events</title>
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer></script>
</head>
<body>
<header class="bar">
<a class="brand" href="/console/orders">order events</a>
<nav aria-label="Console"><a href="/console/orders">Orders</a> <a href="/console/dead-letters">Dead letters</a></nav>
</header>
<form id="sign-in" class="sign-in" hidden>
<label for="token">Admin token or customer token</label>
<input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required>
<button type="submit">Use token</button>
<p class="hint">Kept in this page's memory only: it is sent as a header, never stored; a reload forgets it.</p>
</form>
<p id="status" class="status" role="status" aria-live="polite"></p>
<main id="main" tabindex="-1"${page.refreshMs ? html` data-refresh-ms="${page.refreshMs}"` : ''}${page.needsToken ? html` data-needs-token` : ''}>
${page.main}
</main>
</body>
</html>
`.text;
}

/** Sends a console page: HTML with the console's security headers, never cached (it may hold a customer's data). */
export function sendPage(reply: FastifyReply, page: ConsolePage, status = 200): string {
  void reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .header('vary', 'authorization');
  return consoleDocument(page);
}

/** The content of a page that needs a token the request did not carry. */
export function signInPage(title: string): ConsolePage {
  return {
    title,
    needsToken: true,
    main: html`<h1>${title}</h1>
<p>This page needs a token. Enter it above (JavaScript is needed to send it as a header without putting it in a URL or a cookie).</p>`,
  };
}

/** A page saying why the request was refused (a wrong token, a closed console, an unknown id). */
export function refusalPage(title: string, message: string): ConsolePage {
  return { title, main: html`<h1>${title}</h1><p class="refused">${message}</p>` };
}

/** Sends what a request without access gets: the page without data, asking for a token, or the refusal. */
export function sendDenied(reply: FastifyReply, access: Exclude<PageAccess, { kind: 'granted' }>, title: string): string {
  if (access.kind === 'sign-in') return sendPage(reply, signInPage(title));
  return sendPage(reply, { ...refusalPage(title, access.message), needsToken: access.status === 401 }, access.status);
}
