// Offline support in the page (loaded by every page; the service worker is public/sw.js):
// - registers the service worker and hands it this build's /pkg/ files to keep;
// - an "offline" banner while the network or the server is unreachable, which also says when
//   the page or its data is a saved copy that may be out of date;
// - "Pending changes": the outbox of changes made offline, with the server's refusals shown
//   with what the user typed, to correct and send again or to discard (an edit someone else
//   changed meanwhile can instead be applied to the record's current version);
// - tells the service worker which fields each edit form's submission changed, so that an
//   edit queued offline sends only those;
// - while offline, links load whole pages (the service worker has them saved);
// - reloads when a server of another version answers (a new deploy).

(() => {
  if (!('serviceWorker' in navigator)) return;

  /** The version of the build that rendered this page (the offline page has none). */
  const pageVersion = () => document.querySelector('meta[name="app-version"]')?.content;
  const state = { unreachable: false, savedAt: document.documentElement.dataset.savedAt || '', changes: [], sent: [] };

  // ---- the service worker ----

  const worker = navigator.serviceWorker;
  const post = (message) => worker.ready.then((reg) => reg.active?.postMessage(message));

  if (pageVersion()) worker.register(`/sw.js?v=${encodeURIComponent(pageVersion())}`).catch(() => {});
  worker.addEventListener('message', (event) => {
    const message = event.data || {};
    if (message.type === 'outbox') {
      state.changes = message.changes;
    } else if (message.type === 'sent') {
      state.sent.push(message);
    } else if (message.type === 'stale') {
      state.unreachable = true;
      state.savedAt ||= message.savedAt;
    } else if (message.type === 'version') {
      state.unreachable = false;
      if (pageVersion() && message.version && message.version !== pageVersion()) reloadForVersion(message.version);
    }
    render();
  });
  worker.startMessages?.();

  /** A new server answered: load the page again, once per version. The service worker sends
   *  what is waiting in the outbox (and goes on with it while the page reloads). */
  function reloadForVersion(version) {
    const key = `tgc-reloaded-for-${version}`;
    if (sessionStorage.getItem(key)) return;
    sessionStorage.setItem(key, '1');
    post({ type: 'replay' }).finally(() => location.reload());
  }

  // ---- the banner and the outbox panel ----

  const banner = element('div', { className: 'offline-banner', role: 'status', hidden: true });
  const panel = element('section', { className: 'outbox', hidden: true, ariaLabel: 'Pending changes' });

  function render() {
    const offline = !navigator.onLine || state.unreachable;
    const time = state.savedAt && new Date(state.savedAt).toLocaleString();
    banner.hidden = !offline && !state.savedAt;
    banner.textContent = offline
      ? `You are offline.${time ? ` This is a copy saved ${time}; it may be out of date.` : ''} Changes you make are kept and sent when the connection returns.`
      : `This is a copy saved ${time}; it may be out of date. Reload to see the latest.`;
    renderPanel();
  }

  function renderPanel() {
    const pending = state.changes.filter((c) => c.state === 'pending').length;
    panel.hidden = state.changes.length === 0 && state.sent.length === 0;
    panel.replaceChildren(
      element('h2', { textContent: pending ? `Pending changes (${pending})` : 'Changes made offline' }),
      element('ul', {}, [
        ...state.changes.map(changeItem),
        ...state.sent.map(({ change, result }) => sentItem(change, result)),
      ]),
    );
  }

  function changeItem(change) {
    const fields = new URLSearchParams(change.body);
    const item = element('li', { className: `outbox-item outbox-${change.state}` }, [
      element('strong', { textContent: describe(change.url, fields) }),
      element('span', { className: 'muted', textContent: ` · ${new Date(change.queuedAt).toLocaleTimeString()}` }),
    ]);
    if (change.state === 'pending') {
      item.append(element('p', { textContent: 'Pending: waiting for the connection.' }));
      return item;
    }
    // A stale edit whose changed fields are known can go on top of what someone else saved.
    const applicable = change.refusal.status === 409 && Boolean(change.changed);
    item.append(element('p', { className: 'outbox-refusal', role: 'alert', textContent: `Not saved: ${refusal(change.refusal, applicable)}` }));
    item.append(correctionForm(change, fields, applicable));
    return item;
  }

  /** The user's input (the fields filled in, and any the server named), editable, with
   *  "Send again", "Discard" and, when `applicable`, "Apply my changes to the current version". */
  function correctionForm(change, fields, applicable) {
    const form = element('form', { className: 'outbox-form' });
    for (const [name, value] of fields) {
      const problems = change.refusal.details?.[name];
      const shown = change.changed ? change.changed.includes(name) : Boolean(value);
      if (HIDDEN_FIELDS.includes(name) || (!shown && !problems)) continue;
      const input = element(value.length > 60 ? 'textarea' : 'input', { name, value });
      form.append(element('label', {}, [
        element('span', { textContent: name.replaceAll('_', ' ') }),
        input,
        problems ? element('span', { className: 'field-error', textContent: problems.join('; ') }) : '',
      ]));
    }
    const discard = element('button', { type: 'button', className: 'button', textContent: 'Discard' });
    discard.addEventListener('click', () => post({ type: 'discard', id: change.id }));
    const apply = applicable ? element('button', { type: 'button', className: 'button', textContent: 'Apply my changes to the current version' }) : null;
    form.append(element('div', { className: 'form-actions' }, [
      element('button', { type: 'submit', className: 'button primary', textContent: 'Send again' }),
      apply ?? '',
      discard,
      fields.get('id') ? element('a', { href: recordPath(change.url, fields.get('id')), textContent: 'Open the record' }) : '',
    ]));
    const send = (current) => {
      const body = new URLSearchParams(fields);
      const changed = [];
      for (const [name, value] of new FormData(form)) {
        if (value !== fields.get(name)) changed.push(name);
        body.set(name, value);
      }
      post({ type: 'retry', id: change.id, body: body.toString(), changed, current });
    };
    apply?.addEventListener('click', () => send(true));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      send(false);
    });
    return form;
  }

  function sentItem(change, result) {
    const fields = new URLSearchParams(change.body);
    const id = change.url.endsWith('/add_note') ? fields.get('customer_id') : result?.id;
    return element('li', { className: 'outbox-item outbox-sent' }, [
      element('strong', { textContent: describe(change.url, fields) }),
      element('p', {}, ['Sent. ', id ? element('a', { href: recordPath(change.url, id), textContent: 'Open' }) : '']),
    ]);
  }

  /** Form fields that are not the user's input. */
  const HIDDEN_FIELDS = ['id', 'version', 'next', 'customer_id', 'lead_id', 'deal_id'];
  const NOUNS = { customers: 'customer', leads: 'lead', deals: 'deal', activities: 'activity' };

  /** "New customer “Acme”", "Changes to lead #4", "Note on customer #2". */
  function describe(url, fields) {
    const [, , resource, verb] = url.split('/');
    const noun = NOUNS[resource] || resource;
    const name = fields.get('name') || fields.get('title') || [fields.get('first_name'), fields.get('last_name')].filter(Boolean).join(' ');
    if (verb === 'add_note') return `Note on ${noun} #${fields.get('customer_id')}`;
    if (verb === 'update') return `Changes to ${noun} #${fields.get('id')}${name ? ` “${name}”` : ''}`;
    return `New ${noun}${name ? ` “${name}”` : ''}`;
  }

  function recordPath(url, id) {
    return `/${url.split('/')[2]}/${id}`;
  }

  /** Why the server refused a change: a stale edit (409), a deleted record (404), bad fields (422)… */
  function refusal(answer, applicable) {
    if (answer.status === 422) return 'some fields need attention.';
    if (answer.status === 404) return 'the record no longer exists or is not visible to you. Your values are below.';
    if (answer.status === 409) {
      // The server's sentence ends with "; reload and try again": the panel offers better.
      const what = answer.error?.split(';')[0] || 'it was changed by someone else';
      const next = applicable ? ', or apply your changes to the current version' : '; your values are below';
      return `${what}. Open the record to see what changed${next}.`;
    }
    return `${answer.error || `the server answered ${answer.status}`}. Your values are below.`;
  }

  function element(tag, props = {}, children = []) {
    const node = Object.assign(document.createElement(tag), props);
    if (props.role) node.setAttribute('role', props.role);
    if (props.ariaLabel) node.setAttribute('aria-label', props.ariaLabel);
    node.append(...children);
    return node;
  }

  // ---- edits: which fields the user changed ----

  // An edit form (one with the record's `id` and `version`) tells the service worker, before its
  // request leaves, which fields the user changed on this page: queued offline, the edit sends
  // only those, so a second edit made on the same saved page cannot undo the first.
  // (Capture phase: this runs before the app's own submit handler sends the request.)
  addEventListener('submit', (event) => {
    const form = event.target;
    const [id, version] = ['id', 'version'].map((name) => form.elements?.namedItem(name)?.value);
    if (!id || !version || !worker.controller) return;
    const url = new URL(form.getAttribute('action') || location.href, location.href).pathname;
    worker.controller.postMessage({ type: 'edited', url, id, version, changed: changedFields(form) });
  }, true);

  /** What each field held when this page last submitted it. */
  const submitted = new WeakMap();

  /**
   * The names of the form's fields that differ from what the page showed, or from what this page
   * submitted before (a value set back after an earlier edit from this page is a change too).
   */
  function changedFields(form) {
    const names = new Set();
    for (const field of form.elements) {
      if (!field.name || field.type === 'hidden' || field.disabled) continue;
      const now = fieldState(field, false);
      const before = submitted.get(field);
      if (now !== fieldState(field, true) || (before !== undefined && before !== now)) names.add(field.name);
      submitted.set(field, now);
    }
    return [...names];
  }

  /** A field's value (`initial`: as the page rendered it) as one string. */
  function fieldState(field, initial) {
    if (field.type === 'checkbox' || field.type === 'radio') return String(initial ? field.defaultChecked : field.checked);
    if (field instanceof HTMLSelectElement) {
      const chosen = [...field.options].filter((option) => (initial ? defaultSelected(field, option) : option.selected));
      return chosen.map((option) => option.value).join('\n');
    }
    return initial ? field.defaultValue : field.value;
  }

  /** Whether `option` was selected as rendered (a single select with none marked shows its first). */
  function defaultSelected(select, option) {
    if (select.multiple) return option.defaultSelected;
    const marked = [...select.options].filter((o) => o.defaultSelected);
    return option === (marked.at(-1) ?? select.options[0]);
  }

  // ---- offline navigation ----

  // Offline, a link loads the whole page from the service worker (its saved copy, else the
  // offline page) instead of being swapped in by nav.js.
  addEventListener('click', (event) => {
    const link = event.target.closest?.('a[href]');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    if ((navigator.onLine && !state.unreachable) || link.origin !== location.origin || link.target) return;
    event.preventDefault();
    location.assign(link.href);
  }, true);

  addEventListener('online', () => { state.unreachable = false; render(); post({ type: 'replay' }); });
  addEventListener('offline', render);

  document.addEventListener('DOMContentLoaded', () => {
    document.body.append(banner, panel);
    render();
    const assets = [...document.querySelectorAll('link[href^="/pkg/"]')].map((link) => link.getAttribute('href'));
    post({ type: 'precache', urls: assets });
    post({ type: 'outbox' });
    if (navigator.onLine) post({ type: 'replay' });
  });
})();
