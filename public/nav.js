// In-app navigation (loaded by every page). The server renders every page whole; the app's
// WASM only brings the interactive islands to life. This script makes the pages one app:
// - a click on a link of the app, or a form's submission (GET or POST, the button pressed
//   included), loads the next page in the background and swaps it in: no full reload, the
//   address and the history follow, and the new page's islands are hydrated;
// - a filter form marked `data-live` applies as it is typed or chosen (the address is
//   replaced, back to page 1, other parameters such as the ordering kept);
// - a form being sent is marked busy and its button disabled; a change the server accepted
//   that comes back to the same page says "Saved." by its form;
// - nothing typed is lost: a change the service worker queued offline (or one that could not
//   be sent) leaves the form as it is, with a message saying so.
// - the header's search box lists matches as you type (arrow keys and Enter choose one), and
//   `/` or Ctrl-K / ⌘K puts the cursor in it.
// Without this script (or JavaScript) links and forms work as plain HTML.

(() => {
  if (!window.fetch || !window.DOMParser || !history.pushState) return;

  /** Paths that are not pages: downloads (CSV exports) and files. */
  const NOT_PAGES = /^\/(?:api|pkg)\//;
  /** Elements added by offline.js that outlive a page. */
  const KEEP = '.offline-banner, .outbox';
  let navigation = 0;

  // ---- what starts a navigation ----

  addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest?.('a[href]');
    if (!link || link.target || link.hasAttribute('download') || link.origin !== location.origin) return;
    if (NOT_PAGES.test(link.pathname)) return;
    // A link to a place on this very page.
    if (link.hash && link.pathname === location.pathname && link.search === location.search) return;
    event.preventDefault();
    go(new Request(link.href, { headers: headers() }), { push: true });
  });

  addEventListener('submit', (event) => {
    if (event.defaultPrevented) return;
    const form = event.target;
    const request = formRequest(form, event.submitter);
    if (!request) return;
    event.preventDefault();
    send(form, event.submitter, request);
  });

  addEventListener('popstate', () => {
    go(new Request(location.href, { headers: headers() }), { push: false, restore: true });
  });

  // Live filters: applied as typed (once typing pauses) or chosen.
  let typing = null;
  addEventListener('input', (event) => {
    const form = liveForm(event.target);
    if (!form || !event.target.matches('input[type="search"], input[type="text"]')) return;
    clearTimeout(typing);
    typing = setTimeout(() => applyFilters(form, event.target), 300);
  });
  addEventListener('change', (event) => {
    const form = liveForm(event.target);
    if (!form || event.target.matches('input[type="search"], input[type="text"]')) return;
    clearTimeout(typing);
    applyFilters(form, event.target);
  });

  function liveForm(field) {
    const form = field.form;
    return form && form.hasAttribute('data-live') && form.method.toLowerCase() === 'get' ? form : null;
  }

  /** The current address with the form's fields set (empty ones dropped), the fields that
   *  depend on the one changed (`data-clears`) and the page number removed. */
  function applyFilters(form, changed) {
    const url = new URL(location.href);
    const data = new FormData(form);
    for (const name of new Set([...form.elements].map((field) => field.name).filter(Boolean))) {
      // An unchecked box is not in the form data: its filter goes.
      const value = data.get(name);
      if (typeof value === 'string' && value.trim()) url.searchParams.set(name, value);
      else url.searchParams.delete(name);
    }
    for (const name of (changed.dataset.clears || '').split(' ').filter(Boolean)) url.searchParams.delete(name);
    url.searchParams.delete('page');
    if (url.href === location.href) return;
    go(new Request(url, { headers: headers() }), { push: false });
  }

  // ---- requests ----

  function headers() {
    // The service worker keeps pages fetched this way, as it does pages the browser loads.
    return { accept: 'text/html', 'x-app-navigation': '1' };
  }

  /** The request a form's submission makes, or null when it is not for this script. */
  function formRequest(form, submitter) {
    if (!(form instanceof HTMLFormElement)) return null;
    const method = (submitter?.getAttribute('formmethod') || form.getAttribute('method') || 'get').toLowerCase();
    const action = new URL(submitter?.getAttribute('formaction') || form.getAttribute('action') || location.href, location.href);
    if ((form.target || submitter?.getAttribute('formtarget')) || action.origin !== location.origin) return null;
    if (method !== 'get' && method !== 'post') return null;
    const data = new FormData(form, submitter);
    if (method === 'get') {
      if (NOT_PAGES.test(action.pathname)) return null;
      action.search = new URLSearchParams([...data].filter(([, v]) => typeof v === 'string')).toString();
      return new Request(action, { headers: headers() });
    }
    const multipart = form.enctype === 'multipart/form-data';
    const body = multipart ? data : new URLSearchParams([...data].filter(([, v]) => typeof v === 'string'));
    return new Request(action, { method: 'POST', body, headers: headers() });
  }

  /** Sends a form: busy while on its way; the answer is the next page (or a message). */
  async function send(form, submitter, request) {
    const before = location.pathname;
    const index = [...document.forms].indexOf(form);
    const typed = typedValues(form);
    form.setAttribute('aria-busy', 'true');
    if (submitter) submitter.disabled = true;
    const done = () => {
      form.removeAttribute('aria-busy');
      if (submitter) submitter.disabled = false;
    };
    let response;
    try {
      response = await fetch(request);
    } catch {
      done();
      say(form, 'error', 'The server cannot be reached right now; nothing was lost: try again in a moment.');
      return;
    }
    if (response.headers.get('x-outbox') === 'queued') {
      done();
      say(form, 'status', 'Saved offline; it will be sent when the connection returns.');
      return;
    }
    if (!isPage(response)) {
      // Not a page (a body too large, say): the form stays as it is.
      done();
      say(form, 'error', `The change was not saved (the server answered ${response.status}); nothing was lost: try again.`);
      return;
    }
    // A refused change comes back to the form's page with the error in the address.
    const refused = new URL(response.url || request.url).searchParams.has('__err');
    if (!(await show(response, { push: !refused, request }))) {
      done();
      return;
    }
    const again = document.forms[index];
    if (!again) return;
    if (refused) restoreValues(again, typed);
    else if (request.method === 'POST' && response.ok && location.pathname === before) say(again, 'status', 'Saved.', 'saved');
  }

  /** Loads a page and swaps it in. */
  async function go(request, options) {
    let response;
    try {
      response = await fetch(request);
    } catch {
      // Offline with no saved copy: the browser loads it (the service worker answers).
      location.assign(request.url);
      return;
    }
    await show(response, { ...options, request });
  }

  /** Swaps in the page `response` holds; false (and nothing changed) when it holds none. */
  async function show(response, { push, request, restore }) {
    const ticket = ++navigation;
    if (!isPage(response)) {
      // Not a page (a file, say): let the browser have it.
      if (request.method === 'GET') location.assign(request.url);
      return false;
    }
    const html = await response.text();
    if (ticket !== navigation) return false;
    const url = address(response.url || request.url);
    const samePage = new URL(url).pathname === location.pathname;
    const focus = samePage ? focused() : null;
    swap(new DOMParser().parseFromString(html, 'text/html'));
    if (push && url !== location.href) history.pushState(null, '', url);
    else if (url !== location.href) history.replaceState(null, '', url);
    if (focus) refocus(focus);
    if (!samePage) {
      if (!restore) scrollTo(0, 0);
      // A new page: its content gets the focus (and screen readers announce it), instead of
      // the link that was clicked, which is gone.
      const main = document.getElementById('main');
      if (main) {
        main.tabIndex = -1;
        main.focus({ preventScroll: true });
      }
    }
    return true;
  }

  function isPage(response) {
    return (response.headers.get('content-type') || '').startsWith('text/html');
  }

  /** The address to show for a page: without the error of a refused form (`__path`,
   *  `__err`), which the page already shows and a reload should not. */
  function address(href) {
    const url = new URL(href);
    url.searchParams.delete('__path');
    url.searchParams.delete('__err');
    return url.href;
  }

  function swap(doc) {
    document.title = doc.title;
    const kept = [...document.body.children].filter((el) => el.matches(KEEP));
    document.body.replaceChildren(...doc.body.childNodes, ...kept);
    hydrateIslands();
  }

  /** The islands of a swapped-in page, once the app's WASM runs (before that, it hydrates
   *  every island of the page when it starts). */
  function hydrateIslands() {
    if (document.documentElement.dataset.islands !== 'ready' || !window.__hydrateIsland) return;
    for (const island of document.querySelectorAll('leptos-island')) {
      if (!island.$$hydrated) {
        island.$$hydrated = true;
        window.__hydrateIsland(island, island.dataset.component);
      }
    }
  }

  // ---- what was typed ----

  /** The fields a user fills in (not hidden ones, files or buttons). */
  function inputs(form) {
    return [...form.elements].filter((f) => f.name && !['hidden', 'file', 'submit', 'button', 'reset'].includes(f.type));
  }

  function typedValues(form) {
    return inputs(form).map((f) => [f.name, f.type === 'checkbox' || f.type === 'radio' ? f.checked : f.value]);
  }

  /** Puts what was typed back into the form the refused post came back with (the page shows
   *  the record as saved, with the problems named): field by field, in order, by name. */
  function restoreValues(form, typed) {
    inputs(form).forEach((field, i) => {
      const [name, value] = typed[i] ?? [];
      if (name !== field.name) return;
      if (typeof value === 'boolean') field.checked = value;
      else field.value = value;
      // Islands (the items editor, the activity type) follow the field.
      field.dispatchEvent(new Event('input', { bubbles: true }));
      field.dispatchEvent(new Event('change', { bubbles: true }));
    });
  }

  // ---- the header's search box: "/" (when not typing) or Ctrl-K / ⌘K focuses it ----

  document.addEventListener('keydown', (event) => {
    const box = document.getElementById('global-search');
    if (!box || event.defaultPrevented || event.altKey) return;
    const typing = event.target instanceof Element && event.target.closest('input, textarea, select, [contenteditable]');
    const slash = event.key === '/' && !typing && !event.ctrlKey && !event.metaKey;
    const k = event.key.toLowerCase() === 'k' && (event.ctrlKey || event.metaKey);
    if (!slash && !k) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  // ---- the header's search box: matches as you type ----
  // Typing lists the first matches under the box (search/all, three per kind); the arrow keys
  // move through them, Enter opens the chosen one (with none chosen, the form opens the
  // results page, as it does without this script), Escape or leaving the box closes the list.

  let suggestTimer = 0;
  let suggestTicket = 0;

  function closeSuggestions() {
    document.getElementById('global-search-list')?.remove();
    const box = document.getElementById('global-search');
    box?.removeAttribute('aria-activedescendant');
    box?.setAttribute('aria-expanded', 'false');
  }

  async function suggest(box) {
    const ticket = ++suggestTicket;
    const q = box.value.trim();
    if (q.length < 2) return closeSuggestions();
    let found;
    try {
      const response = await fetch(`/api/search/all?limit=3&q=${encodeURIComponent(q)}`, { headers: { accept: 'application/json' } });
      if (!response.ok) return;
      found = await response.json();
    } catch {
      return;
    }
    // A newer keystroke, or another page, since.
    if (ticket !== suggestTicket || document.getElementById('global-search') !== box) return;
    closeSuggestions();
    const list = document.createElement('ul');
    list.id = 'global-search-list';
    list.className = 'search-suggestions';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'Matches');
    for (const group of found.groups) {
      for (const hit of group.hits) {
        const option = document.createElement('li');
        option.id = `global-search-option-${list.children.length}`;
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', 'false');
        const link = document.createElement('a');
        link.href = hit.url;
        link.tabIndex = -1;
        const title = document.createElement('strong');
        title.textContent = hit.title;
        const detail = document.createElement('span');
        detail.className = 'muted small';
        detail.textContent = ` ${group.label} · ${hit.detail}`;
        link.append(title, detail);
        option.append(link);
        list.append(option);
      }
    }
    if (!list.children.length) {
      const none = document.createElement('li');
      none.className = 'muted small';
      none.textContent = 'Nothing matches.';
      list.append(none);
    }
    box.form.append(list);
    box.setAttribute('aria-expanded', 'true');
  }

  addEventListener('input', (event) => {
    const box = event.target;
    if (box.id !== 'global-search') return;
    // With this script the box is a combobox (without it, a plain search field).
    if (!box.hasAttribute('role')) {
      box.setAttribute('role', 'combobox');
      box.setAttribute('aria-autocomplete', 'list');
      box.setAttribute('aria-controls', 'global-search-list');
      box.setAttribute('autocomplete', 'off');
    }
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(() => suggest(box), 150);
  });

  addEventListener('keydown', (event) => {
    const box = event.target;
    if (box.id !== 'global-search') return;
    const options = [...document.querySelectorAll('#global-search-list [role=option]')];
    const active = options.find((o) => o.id === box.getAttribute('aria-activedescendant'));
    if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && options.length) {
      event.preventDefault();
      const at = options.indexOf(active);
      const next = event.key === 'ArrowDown' ? (at + 1) % options.length : (at <= 0 ? options.length : at) - 1;
      options.forEach((o, i) => o.setAttribute('aria-selected', String(i === next)));
      box.setAttribute('aria-activedescendant', options[next].id);
      options[next].scrollIntoView({ block: 'nearest' });
    } else if (event.key === 'Enter' && active) {
      event.preventDefault();
      active.querySelector('a').click();
      closeSuggestions();
    } else if (event.key === 'Escape') {
      closeSuggestions();
    }
  });

  // Leaving the box closes the list (after a click on a match has been taken).
  addEventListener('focusout', (event) => {
    if (event.target.id === 'global-search') setTimeout(closeSuggestions, 200);
  });

  // ---- focus and messages ----

  /** The focused field (a live search being typed in), to give the focus back after a swap. */
  function focused() {
    const el = document.activeElement;
    if (!el?.id || !el.matches('input, textarea, select')) return null;
    const text = 'selectionStart' in el && el.type !== 'email' && el.type !== 'number';
    return { id: el.id, value: el.value, start: text ? el.selectionStart : null, end: text ? el.selectionEnd : null };
  }

  function refocus({ id, value, start, end }) {
    const el = document.getElementById(id);
    if (!el) return;
    // What was typed while the page loaded stays.
    if (el.value !== value) el.value = value;
    el.focus({ preventScroll: true });
    if (start !== null) el.setSelectionRange(start, end);
  }

  /** A message by the form's buttons (replacing an earlier one). */
  function say(form, role, text, className = role === 'error' ? 'callout callout-error' : 'callout') {
    // An edit in place closes once saved (ui/components/record.rs): say it beside what it edited.
    const closed = form.closest('details.edit-in-place:not([open])');
    const scope = closed ? closed.parentElement : form;
    scope.querySelector(':scope .nav-message')?.remove();
    const message = document.createElement(className === 'saved' ? 'span' : 'p');
    message.className = `nav-message ${className}`;
    message.setAttribute('role', role === 'error' ? 'alert' : 'status');
    message.textContent = text;
    if (closed) closed.before(message);
    else (form.querySelector(':scope .form-actions') || form).append(message);
  }
})();
