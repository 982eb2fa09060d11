/**
 * The console's only script, served from /console/assets/console.js (no inline script: the CSP forbids it).
 * Pages render on the server; this adds what needs a token or a clock. It keeps the token in a closure,
 * sends it as an Authorization header, and never writes it to a URL, cookie, storage or the console. It fetches
 * the same page again with the token and swaps in its <main>, follows console links the same way (a plain
 * navigation would lose the token), refreshes pages that ask for it, fills `data-include` placeholders,
 * and replays dead letters through POST /dead-letters/:id/replay.
 */
export const CONSOLE_SCRIPT = String.raw`'use strict';
(() => {
  let token;
  let refresh;
  const $ = (id) => document.getElementById(id);
  const say = (text) => { $('status').textContent = text; };

  function headers(accept) {
    const result = { accept };
    if (token) result.authorization = 'Bearer ' + token;
    return result;
  }

  async function load(url, how = {}) {
    const response = await fetch(url, { headers: headers('text/html'), cache: 'no-store', credentials: 'omit' });
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    const main = page.getElementById('main');
    if (!main) throw new Error('the page has no content (' + response.status + ')');
    // An unchanged page is left as it is: a refresh must not take the keyboard focus away for nothing.
    if (main.outerHTML !== $('main').outerHTML) $('main').replaceWith(document.adoptNode(main));
    document.title = page.title;
    if (how.push) history.pushState(null, '', url);
    if (how.focus) {
      const heading = $('main').querySelector('h1') || $('main');
      heading.tabIndex = -1;
      heading.focus();
    }
    if (response.status === 401) {
      token = undefined;
      say('The token was refused.');
    }
    settle();
  }

  function reload() {
    return load(location.pathname + location.search).catch((error) => say('Could not refresh: ' + error.message));
  }

  // Not while a form of the page is being filled in: the refresh would replace it.
  function refreshUnlessEditing() {
    const active = document.activeElement;
    if (active && active.closest('#main form') && active.matches('input, select')) refresh = setTimeout(refreshUnlessEditing, 1000);
    else reload();
  }

  function settle() {
    const main = $('main');
    $('sign-in').hidden = !('needsToken' in main.dataset);
    clearTimeout(refresh);
    const every = Number(main.dataset.refreshMs);
    if (every > 0) refresh = setTimeout(refreshUnlessEditing, every);
    for (const slot of main.querySelectorAll('[data-include]')) include(slot);
  }

  async function include(slot) {
    try {
      const response = await fetch(slot.dataset.include, { headers: headers('text/html'), cache: 'no-store', credentials: 'omit' });
      const part = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById(slot.id);
      if (response.ok && part) slot.replaceWith(document.adoptNode(part));
    } catch {
      // the placeholder keeps its link
    }
  }

  async function replay(form, submitter) {
    const ids = submitter && submitter.value ? [submitter.value] : [...form.querySelectorAll('input[name=id]:checked')].map((box) => box.value);
    if (ids.length === 0) return say('Select the dead letters to replay.');
    const failed = [];
    for (const id of ids) {
      const response = await fetch('/dead-letters/' + encodeURIComponent(id) + '/replay', { method: 'POST', headers: headers('application/json'), credentials: 'omit' });
      if (!response.ok) failed.push(id + ': ' + ((await response.json().catch(() => ({}))).code || response.status));
    }
    await reload();
    say('Replayed ' + (ids.length - failed.length) + ' of ' + ids.length + (failed.length ? '; refused: ' + failed.join(', ') : '.'));
  }

  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (form.id === 'sign-in') {
      event.preventDefault();
      const field = $('token');
      token = field.value.trim() || undefined;
      field.value = '';
      say('');
      load(location.pathname + location.search, { focus: true }).catch((error) => say(error.message));
    } else if ('replay' in form.dataset) {
      event.preventDefault();
      replay(form, event.submitter).catch((error) => say('Replay failed: ' + error.message));
    } else if ('filter' in form.dataset && token) {
      event.preventDefault();
      const query = new URLSearchParams([...new FormData(form)].filter(([, value]) => value !== '')).toString();
      load(form.getAttribute('action') + (query ? '?' + query : ''), { push: true }).catch((error) => say(error.message));
    }
  });

  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href^="/console/"]');
    if (!link || !token || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    load(link.getAttribute('href'), { push: true, focus: true }).catch((error) => say(error.message));
  });

  window.addEventListener('popstate', reload);
  settle();
})();
`;
