// The service worker of Too Good CRM (registered by offline.js as /sw.js?v=<app version>).
//
// - Keeps the app for offline use: the build's /pkg/ files (cache first: their names carry a
//   hash), the offline page, and every page and API read the user opened (network first; when
//   the network fails, the saved copy, marked as such).
// - Queues changes made offline (create/update of customers, leads, deals, activities, notes)
//   in an outbox in IndexedDB and sends them in order when the connection returns. A change the
//   server refuses stays in the outbox with the server's answer until the user sends it again
//   or discards it: nothing is dropped silently.
// - An edit queued offline sends only the fields the user changed (offline.js says which), so a
//   second edit made on the same saved page does not undo the first; it carries the version the
//   user edited, moved on past the versions this browser's own edits produced, so it answers 409
//   only when someone else changed the record. After a 409 the user may apply their changes to
//   the current version.
// - Tells the page which version of the server answered (offline.js reloads on a new one).

const VERSION = new URL(self.location.href).searchParams.get('v') || 'dev';
const ASSETS = `tgc-assets-${VERSION}`;
const PAGES = `tgc-pages-${VERSION}`;
/** Pages and API reads kept (the least recently fetched go first). */
const RECENT = 100;
/** Files kept from installation on (the /pkg/ files come from the page: see 'precache'). */
const SHELL = ['/offline.html', '/offline.js', '/nav.js', '/favicon.svg'];
/** The changes that go to the outbox when the network is down. */
const QUEUEABLE = /^\/api\/(?:(?:customers|leads|deals|activities)\/(?:create|update)|customers\/add_note)$/;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(ASSETS).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    // Another version's files and saved pages (which refer to those files) go.
    const keep = [ASSETS, PAGES];
    for (const name of await caches.keys()) {
      if (!keep.includes(name)) await caches.delete(name);
    }
    await self.clients.claim();
    await replay();
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === 'GET') {
    event.respondWith(url.pathname.startsWith('/pkg/') ? cacheFirst(request) : networkFirst(event, url));
  } else if (request.method === 'POST' && QUEUEABLE.test(url.pathname)) {
    event.respondWith(sendOrQueue(event));
  } else if (request.method === 'POST' && url.pathname === '/api/auth/logout') {
    // The saved pages and the versions their edits produced are the signed-in user's: they go
    // with the session.
    event.respondWith(fetch(request).then(async (response) => {
      await caches.delete(PAGES);
      await versions('readwrite', (store) => store.clear()).catch(() => {});
      return response;
    }));
  }
});

self.addEventListener('message', (event) => {
  const message = event.data || {};
  const handlers = {
    precache: () => caches.open(ASSETS).then((cache) => cache.addAll(message.urls.filter((u) => u.startsWith('/pkg/')))),
    outbox: () => broadcast(),
    replay: () => replay(),
    edited: async () => noteEdit(message),
    retry: () => retry(message),
    discard: () => outbox('readwrite', (store) => store.delete(message.id)).then(broadcast),
  };
  const handler = handlers[message.type];
  if (handler) event.waitUntil(handler().catch(() => {}));
});

// ---- reads ----

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(ASSETS);
    await cache.put(request, response.clone());
  }
  return response;
}

/** The network's answer (saved for later), else the saved copy marked as one, else the offline page. */
async function networkFirst(event, url) {
  const { request } = event;
  try {
    const response = await fetch(request);
    tell(event.clientId, { type: 'version', version: response.headers.get('x-app-version') });
    if (isPage(request) || url.pathname.startsWith('/api/') || SHELL.includes(url.pathname)) {
      event.waitUntil(save(request.url, response.clone()).catch(() => {}));
    }
    return response;
  } catch (err) {
    const saved = await caches.match(request.url, { ignoreVary: true });
    if (saved) {
      const savedAt = saved.headers.get('x-saved-at') || '';
      tell(event.clientId, { type: 'stale', url: request.url, savedAt });
      return isPage(request) ? markedPage(saved, savedAt) : saved;
    }
    if (request.mode === 'navigate') return offlinePage();
    throw err;
  }
}

/** A page load: the browser's, or one of the app's in-page navigations (public/nav.js). */
function isPage(request) {
  return request.mode === 'navigate' || request.headers.get('x-app-navigation') === '1';
}

/** Keeps a successful answer, with the time it was saved, among the recent ones (under the
 *  address it finally came from, after any redirect). */
async function save(url, response) {
  if (!response.ok) return;
  if (response.redirected) url = response.url;
  const headers = new Headers(response.headers);
  headers.delete('content-encoding');
  headers.delete('content-length');
  headers.set('x-saved-at', new Date().toISOString());
  const copy = new Response(await response.blob(), { status: response.status, headers });
  const shell = SHELL.includes(new URL(url).pathname);
  const cache = await caches.open(shell ? ASSETS : PAGES);
  await cache.delete(url); // re-added last: the least recently fetched come first in keys()
  await cache.put(url, copy);
  if (!shell) {
    const keys = await cache.keys();
    for (const old of keys.slice(0, Math.max(0, keys.length - RECENT))) await cache.delete(old);
  }
}

/** A saved page, flagged on its <html> element (offline.js says it may be out of date). */
async function markedPage(saved, savedAt) {
  const html = (await saved.text()).replace('<html', `<html data-saved-at="${savedAt}"`);
  const headers = new Headers(saved.headers);
  headers.set('x-from-cache', '1');
  return new Response(html, { status: 200, headers });
}

async function offlinePage() {
  const page = await caches.match('/offline.html');
  return new Response(page ? page.body : 'You are offline.', {
    status: 503,
    headers: { 'content-type': 'text/html; charset=utf-8', 'x-from-cache': '1' },
  });
}

// ---- changes ----

/** Sends a change (after any still in the outbox, to keep the order), or queues it. */
async function sendOrQueue(event) {
  const { request } = event;
  const body = await request.clone().text();
  const url = new URL(request.url).pathname;
  const contentType = request.headers.get('content-type') || 'application/x-www-form-urlencoded';
  await replay();
  const waiting = (await changes()).some((c) => c.state === 'pending');
  if (!waiting) {
    try {
      const response = await fetch(request);
      tell(event.clientId, { type: 'version', version: response.headers.get('x-app-version') });
      takeEdit(url, body); // sent as it is: its note is not needed
      // A form sent by nav.js answers with the page it was redirected to, the record's latest
      // state: kept as such. A JSON answer names the version the edit produced.
      const kept = isPage(request) ? save(response.url, response.clone()) : rememberVersion(url, body, response.clone());
      event.waitUntil(kept.catch(() => {}));
      return response;
    } catch {
      // offline: queued below
    }
  }
  const change = {
    url,
    contentType,
    body,
    // The fields the user changed (an edit form's, when offline.js said): only those are sent.
    changed: contentType.startsWith('application/x-www-form-urlencoded') ? await takeEdit(url, body, true) : null,
    queuedAt: new Date().toISOString(),
    state: 'pending',
    refusal: null,
  };
  change.id = await outbox('readwrite', (store) => store.add(change));
  await broadcast();
  if (request.mode === 'navigate') {
    // A form posted before the app started: back to the form's page (its saved copy), where
    // the outbox lists the change.
    return Response.redirect(request.referrer || '/offline.html', 303);
  }
  // The app's own form: a server-function error it shows as "saved offline".
  return new Response(JSON.stringify({ error: 'saved offline', code: 'queued', details: {}, outbox_id: change.id }), {
    status: 503,
    headers: { 'content-type': 'application/json', 'x-outbox': 'queued' },
  });
}

let replaying = null;

/** Sends the pending changes in order (one run at a time); stops at the first network failure. */
function replay() {
  replaying ??= sendPending().finally(() => { replaying = null; });
  return replaying;
}

async function sendPending() {
  let changed = false;
  for (const change of await changes()) {
    if (change.state !== 'pending') continue;
    const body = await outgoing(change);
    let response;
    try {
      response = await fetch(change.url, {
        method: 'POST',
        body,
        headers: { 'content-type': change.contentType, accept: 'application/json' },
        credentials: 'same-origin',
      });
    } catch {
      break; // still offline
    }
    await rememberVersion(change.url, body, response.clone()).catch(() => {});
    if (response.status >= 500) break; // the server is in trouble: try again later
    changed = true;
    const answer = await response.json().catch(() => ({ error: response.statusText }));
    if (response.ok) {
      await outbox('readwrite', (store) => store.delete(change.id));
      await tellAll({ type: 'sent', change, result: answer });
    } else {
      change.state = 'refused';
      change.refusal = { status: response.status, ...answer };
      await outbox('readwrite', (store) => store.put(change));
    }
  }
  if (changed) await broadcast();
}

/**
 * Sends a refused change again, with the fields the user corrected (`changed`: those they
 * altered in the correction form). With `current`, an edit refused as stale (409) goes to the
 * record's current version: the user's changed fields replace the ones someone else saved.
 */
async function retry({ id, body, changed = [], current = false }) {
  const change = await outbox('readonly', (store) => store.get(id));
  if (!change) return;
  const fields = new URLSearchParams(body);
  if (current) {
    const [, , resource] = change.url.split('/');
    const response = await fetch(`/api/${resource}/get?id=${encodeURIComponent(fields.get('id'))}`, {
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
    }).catch(() => null);
    const answer = response
      ? await response.json().catch(() => ({ error: response.statusText }))
      : { error: 'the current version could not be read (offline?); try again when the connection returns' };
    if (!response?.ok) {
      // Still refused, with the reason the current version was not read (the button stays).
      change.refusal = { ...change.refusal, ...answer, status: response?.status ?? change.refusal.status };
      await outbox('readwrite', (store) => store.put(change));
      return broadcast();
    }
    fields.set('version', answer.version);
  }
  const all = change.changed && [...new Set([...change.changed, ...changed])];
  Object.assign(change, { body: fields.toString(), changed: all, state: 'pending', refusal: null });
  await outbox('readwrite', (store) => store.put(change));
  await broadcast();
  await replay();
}

// ---- edits: the fields changed, the versions moved on ----

/** Form fields an edit always sends: which record, the version edited, where to go next. */
const EDIT_KEYS = ['id', 'version', 'next'];
/** What offline.js said each edit form's submission changed (its request follows), by edit. */
const edits = new Map();

const editKey = (url, fields) => `${url}#${fields.get('id')}#${fields.get('version')}`;
const isEdit = (url, fields) => url.endsWith('/update') && fields.has('id') && fields.has('version');

function noteEdit({ url, id, version, changed }) {
  if (edits.size > 100) edits.clear();
  edits.set(editKey(url, new URLSearchParams({ id, version })), changed);
}

/**
 * The fields changed by the edit in `body` (null when it is no edit or offline.js did not say),
 * forgetting the note. With `wait`, gives the page's note a moment to arrive.
 */
async function takeEdit(url, body, wait = false) {
  const fields = new URLSearchParams(body);
  if (!isEdit(url, fields)) return null;
  const key = editKey(url, fields);
  for (let tries = 0; wait && !edits.has(key) && tries < 20; tries += 1) await sleep(25);
  const changed = edits.get(key) ?? null;
  edits.delete(key);
  return changed;
}

/** The body to send for a queued change: an edit's changed fields only, at the latest version
 *  this browser's own edits produced from the one the user edited. */
async function outgoing(change) {
  const fields = new URLSearchParams(change.body);
  if (!change.changed || !isEdit(change.url, fields)) return change.body;
  const body = new URLSearchParams();
  for (const [name, value] of fields) {
    if (EDIT_KEYS.includes(name) || change.changed.includes(name)) body.append(name, value);
  }
  let version = fields.get('version');
  for (let hops = 0; hops < 100; hops += 1) {
    const moved = await versions('readonly', (store) => store.get(versionKey(change.url, fields.get('id'), version)));
    if (!moved) break;
    version = moved.to;
  }
  body.set('version', version);
  return body.toString();
}

const versionKey = (url, id, version) => `${url.split('/')[2]}#${id}#${version}`;

/** After an edit went through: its record moved from the version sent to the one answered. */
async function rememberVersion(url, body, response) {
  const fields = new URLSearchParams(body);
  if (!response.ok || !isEdit(url, fields)) return;
  const answer = await response.json().catch(() => null);
  if (answer?.version == null) return;
  const key = versionKey(url, fields.get('id'), fields.get('version'));
  await versions('readwrite', (store) => store.put({ key, to: String(answer.version), at: Date.now() }));
  await forgetOldVersions();
}

/** How long a version moved by this browser's edit is remembered: 30 days. */
const VERSIONS_KEPT_MS = 30 * 24 * 3600 * 1000;

function forgetOldVersions() {
  return versions('readwrite', (store) => {
    const old = store.index('at').openCursor(IDBKeyRange.upperBound(Date.now() - VERSIONS_KEPT_MS));
    old.onsuccess = () => {
      const cursor = old.result;
      if (cursor) {
        cursor.delete();
        cursor.continue();
      }
    };
    return old;
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the outbox in IndexedDB ----

let database = null;

function openDatabase() {
  database ??= new Promise((resolve, reject) => {
    const open = indexedDB.open('tgc-outbox', 2);
    open.onupgradeneeded = (event) => {
      if (event.oldVersion < 1) open.result.createObjectStore('changes', { keyPath: 'id', autoIncrement: true });
      // Versions this browser's edits moved records to, by `resource#id#version before`.
      if (event.oldVersion < 2) open.result.createObjectStore('versions', { keyPath: 'key' }).createIndex('at', 'at');
    };
    open.onsuccess = () => {
      // A newer service worker upgrading the database: let it (this one is on its way out).
      open.result.onversionchange = () => { open.result.close(); database = null; };
      resolve(open.result);
    };
    open.onerror = () => { database = null; reject(open.error); };
  });
  return database;
}

/** Runs `fn(store)` in a transaction on the store `name`; resolves with its request's result. */
async function transaction(name, mode, fn) {
  const db = await openDatabase();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(name, mode);
    const request = fn(tx.objectStore(name));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
  });
}

const outbox = (mode, fn) => transaction('changes', mode, fn);
const versions = (mode, fn) => transaction('versions', mode, fn);

/** Every change in the outbox, oldest first. */
function changes() {
  return outbox('readonly', (store) => store.getAll());
}

// ---- talking to the pages ----

async function broadcast() {
  await tellAll({ type: 'outbox', changes: await changes() });
}

async function tellAll(message) {
  for (const client of await self.clients.matchAll({ type: 'window' })) client.postMessage(message);
}

function tell(clientId, message) {
  if (clientId) self.clients.get(clientId).then((client) => client?.postMessage(message));
}
