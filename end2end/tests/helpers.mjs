// Shared helpers for the browser tests: one Chromium per test file, a fresh context per
// test, a page wrapper that records console problems, hydration waits, and sign-up.
//
// The server under test is given by E2E_BASE_URL (end2end/run.mjs sets it).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.E2E_BASE_URL || '').replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('E2E_BASE_URL is not set: run the suite with `node end2end/run.mjs`');
}
const BASE_HOST = new URL(BASE_URL).host;

export const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-results');
mkdirSync(RESULTS_DIR, { recursive: true });

const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Password used for every account the tests create. */
export const PASSWORD = 'correct-horse-battery-9';

/** Any console text that points at a hydration problem. */
const HYDRATION_RE = /hydrat|mismatch/i;

let browserPromise = null;

/** The Chromium of this test file (launched on first use). */
export function getBrowser() {
  browserPromise ??= chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  return browserPromise;
}

/** Closes the browser of this test file; call from `after()`. */
export async function closeBrowser() {
  if (browserPromise) {
    const browser = await browserPromise.catch(() => null);
    browserPromise = null;
    await browser?.close().catch(() => {});
  }
}

/** A string unique to this run and call: timestamp + random. */
export function unique() {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export function uniqueEmail(prefix = 'e2e') {
  return `${prefix}-${unique()}@example.test`;
}

/** Screenshot file name from a free-form name. */
function shotPath(name) {
  return path.join(RESULTS_DIR, `${name.replace(/[^a-zA-Z0-9_.-]+/g, '-')}.png`);
}

// Set in every page before its own scripts: marks when the app's WASM module has been
// instantiated. The generated loader calls `hydrate()` right after that promise resolves,
// in the same task chain, so one animation frame later the page has hydrated.
function wasmProbe() {
  const mark = (p) => {
    p.then(() => { window.__e2eWasmReady = true; }, (e) => { window.__e2eWasmError = String(e); });
    return p;
  };
  const wa = globalThis.WebAssembly;
  if (!wa || wa.__e2eWrapped) return;
  wa.__e2eWrapped = true;
  const instantiate = wa.instantiate.bind(wa);
  wa.instantiate = (...args) => mark(instantiate(...args));
  if (wa.instantiateStreaming) {
    const streaming = wa.instantiateStreaming.bind(wa);
    wa.instantiateStreaming = (...args) => mark(streaming(...args));
  }
}

/**
 * A fresh browser context and page for one test, with console recording.
 * options: { javaScriptEnabled = true, viewport = {width: 1280, height: 900}, serviceWorkers = 'allow' }
 */
export async function openPage(t, options = {}) {
  const javaScriptEnabled = options.javaScriptEnabled ?? true;
  const browser = await getBrowser();
  const context = await browser.newContext({
    baseURL: BASE_URL,
    javaScriptEnabled,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
    serviceWorkers: options.serviceWorkers ?? 'allow',
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const blocked = [];
  // Only the server under test may be reached.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.host !== BASE_HOST) {
      blocked.push(url.href);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  if (javaScriptEnabled) await context.addInitScript(wasmProbe);
  const page = await context.newPage();
  return new TestPage(t, context, page, { javaScriptEnabled, blocked });
}

/** Runs `fn(p)` with a fresh page; screenshots on failure and always closes the context. */
export async function withPage(t, options, fn) {
  const p = await openPage(t, options);
  try {
    await fn(p);
  } catch (err) {
    await p.screenshot(`${options.name ?? t.name}-FAILED`).catch(() => {});
    p.dumpConsole();
    throw err;
  } finally {
    await p.context.close().catch(() => {});
  }
}

export class TestPage {
  constructor(t, context, page, { javaScriptEnabled, blocked }) {
    this.t = t;
    this.context = context;
    this.page = page;
    this.javaScriptEnabled = javaScriptEnabled;
    this.blocked = blocked;
    /** Every console message: {type, text, url, location} */
    this.console = [];
    /** Uncaught exceptions in the page. */
    this.pageErrors = [];
    /** Paths visited with full page loads (for messages). */
    this.documents = [];
    page.on('console', (msg) => {
      const loc = msg.location();
      this.console.push({ type: msg.type(), text: msg.text(), url: page.url(), source: loc?.url ? `${loc.url}:${loc.lineNumber}` : '' });
    });
    page.on('pageerror', (err) => {
      this.pageErrors.push({ text: `${err.name}: ${err.message}\n${err.stack ?? ''}`, url: page.url() });
    });
    page.on('crash', () => this.pageErrors.push({ text: 'page crashed', url: page.url() }));
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) this.documents.push(frame.url());
    });
  }

  url(p = '') {
    return `${BASE_URL}${p}`;
  }

  /** Path + query of the current URL. */
  path() {
    const u = new URL(this.page.url());
    return `${u.pathname}${u.search}`;
  }

  /** Navigates to `p` (a path) and, with JavaScript on, waits until the app has hydrated. */
  async goto(p) {
    const response = await this.page.goto(this.url(p), { waitUntil: 'load' });
    await this.waitForHydration();
    return response;
  }

  async reload() {
    const response = await this.page.reload({ waitUntil: 'load' });
    await this.waitForHydration();
    return response;
  }

  /**
   * After a full page load: waits for the WASM to be instantiated and hydrate() to have run,
   * then for the network to be idle (resources fetched after hydration have settled).
   */
  async waitForHydration() {
    if (!this.javaScriptEnabled) {
      await this.page.waitForLoadState('load');
      return;
    }
    const handle = await this.page.waitForFunction(
      () => (window.__e2eWasmError ? `error: ${window.__e2eWasmError}` : window.__e2eWasmReady === true),
      null,
      { timeout: 30_000, polling: 'raf' },
    );
    const state = await handle.jsonValue();
    assert.equal(state, true, `the app's WASM failed to load on ${this.path()}: ${state}`);
    // One more frame so the loader's `.then(() => hydrate())` has certainly run.
    await this.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    await this.page.waitForLoadState('networkidle');
  }

  /** Waits for the network to settle after an in-app action (client-side navigation, action). */
  async settle() {
    await this.page.waitForLoadState('networkidle');
  }

  /** Polls `fn` until it returns a truthy value (returned), failing with `message` after `timeout`. */
  async until(fn, message, timeout = 15_000) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await fn();
        if (last) return last;
      } catch (err) {
        last = err;
      }
      if (Date.now() > deadline) {
        const extra = last instanceof Error ? ` (last error: ${last.message})` : '';
        assert.fail(`${typeof message === 'function' ? await message() : message}${extra}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async screenshot(name) {
    const file = shotPath(name);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }

  /** Console errors, page errors and hydration messages so far, minus those matching `allow`. */
  problems({ allow = [] } = {}) {
    const allowed = (text) => allow.some((re) => re.test(text));
    const out = [];
    for (const m of this.console) {
      const hydration = HYDRATION_RE.test(m.text);
      if (hydration || (m.type === 'error' && !allowed(m.text))) {
        out.push(`console.${m.type} on ${m.url}: ${m.text}${m.source ? ` (${m.source})` : ''}`);
      }
    }
    for (const e of this.pageErrors) out.push(`pageerror on ${e.url}: ${e.text}`);
    for (const b of this.blocked) out.push(`request to a host other than the server under test: ${b}`);
    return out;
  }

  /**
   * Fails on any console error, any uncaught page error, and any console message of any
   * type mentioning hydration. `allow`: regexes for console errors a step expects (never
   * applied to hydration messages or page errors).
   */
  assertNoConsoleErrors({ allow = [], where = '' } = {}) {
    const problems = this.problems({ allow });
    const warnings = this.console.filter((m) => m.type === 'warning' && !HYDRATION_RE.test(m.text));
    for (const w of warnings) this.t.diagnostic?.(`console.warning on ${w.url}: ${w.text}`);
    assert.deepEqual(problems, [], `console errors / hydration warnings${where ? ` (${where})` : ''}:\n${problems.join('\n')}`);
  }

  /**
   * Removes (and returns) the console errors recorded so far that match `re`: for errors a
   * step deliberately causes, e.g. the 401 of a refused sign-in. Never removes hydration
   * messages.
   */
  takeExpectedConsoleErrors(re) {
    const taken = this.console.filter((m) => m.type === 'error' && re.test(m.text) && !HYDRATION_RE.test(m.text));
    this.console = this.console.filter((m) => !taken.includes(m));
    return taken;
  }

  dumpConsole() {
    for (const m of this.console) {
      if (m.type === 'error' || m.type === 'warning' || HYDRATION_RE.test(m.text)) {
        console.error(`  [browser console.${m.type}] ${m.url}: ${m.text}`);
      }
    }
    for (const e of this.pageErrors) console.error(`  [browser pageerror] ${e.url}: ${e.text}`);
  }

  /** Text of the main heading. */
  async h1() {
    return (await this.page.locator('h1').first().innerText()).trim();
  }
}

/**
 * Signs up a new user and organization through /signup; lands on the dashboard.
 * Works with and without JavaScript. Returns the account.
 */
export async function signUp(p, overrides = {}) {
  const tag = unique();
  const account = {
    firstName: overrides.firstName ?? `Ada${tag.slice(-4)}`,
    lastName: overrides.lastName ?? 'Tester',
    email: overrides.email ?? uniqueEmail(),
    password: overrides.password ?? PASSWORD,
    organization: overrides.organization ?? `E2E Org ${tag}`,
  };
  await p.goto('/signup');
  const page = p.page;
  const form = page.locator('form').filter({ has: page.locator('input[name="first_name"]') });
  await form.locator('input[name="first_name"]').fill(account.firstName);
  await form.locator('input[name="last_name"]').fill(account.lastName);
  await form.locator('input[name="email"]').fill(account.email);
  await form.locator('input[name="password"]').fill(account.password);
  await form.locator('input[name="organization_name"]').fill(account.organization);
  await form.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(`${BASE_URL}/`, { timeout: 20_000 });
  await page.getByRole('heading', { level: 1, name: `Welcome back, ${account.firstName}` }).waitFor();
  if (p.javaScriptEnabled) await p.settle();
  return account;
}

/** Fills the customer form of /customers/new and submits it; returns the new id. */
export async function createCustomerViaForm(p, { name, company = '', email = '' }) {
  const page = p.page;
  await page.locator('#f-name').fill(name);
  if (company) await page.locator('#f-company_name').fill(company);
  if (email) await page.locator('#f-email').fill(email);
  await page.getByRole('button', { name: 'Create customer' }).click();
  await page.waitForURL(/\/customers\/\d+$/, { timeout: 20_000 });
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  assert.ok(id > 0, `expected a customer id in ${page.url()}`);
  await page.getByRole('heading', { level: 1 }).filter({ hasText: name }).waitFor();
  return id;
}

/**
 * GET a JSON endpoint (`/api/...`) with the page's session cookie; `query` is an object of
 * query parameters. Fails unless the answer is 200; returns the parsed body.
 */
export async function apiGet(p, apiPath, query = {}) {
  const url = new URL(p.url(apiPath));
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
  const res = await p.context.request.get(url.href, { headers: { Accept: 'application/json' }, maxRedirects: 0 });
  const text = await res.text();
  assert.equal(res.status(), 200, `GET ${url.pathname}${url.search} answered ${res.status()}: ${text}`);
  return JSON.parse(text);
}

/**
 * POST a form-encoded body to a server function (`/api/...`) with the page's session cookie,
 * as the app itself would (a cookie-authenticated write must carry the server's own Origin).
 * Returns { status, body } (body parsed as JSON when it is JSON); with `expect` (default 200)
 * fails on any other status.
 */
export async function apiPost(p, apiPath, form, { expect = 200 } = {}) {
  const res = await p.context.request.post(p.url(apiPath), {
    form,
    headers: { Origin: BASE_URL, Accept: 'application/json' },
    maxRedirects: 0,
  });
  const text = await res.text();
  let body = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  if (expect !== null) assert.equal(res.status(), expect, `POST ${apiPath} answered ${res.status()}: ${text}`);
  return { status: res.status(), body };
}

// ---- offline (public/sw.js, public/offline.js) ----

/** Console errors that going offline causes on purpose: failed loads and the outbox's 503. */
export const OFFLINE_NOISE = /ERR_INTERNET_DISCONNECTED|ERR_FAILED|status of 503|Failed to fetch/;

/** Waits until the service worker controls the page (it claims pages when it activates). */
export async function waitForServiceWorker(p) {
  await p.page.evaluate(() => navigator.serviceWorker.ready);
  await p.until(() => p.page.evaluate(() => !!navigator.serviceWorker.controller), 'the service worker controls the page');
}

/** Full page load of `path`, online, and waits until the service worker has saved it. */
export async function visitSaved(p, path) {
  await p.goto(path);
  await p.until(() => p.page.evaluate((url) => caches.match(url).then(Boolean), p.url(path)), `${path} is saved for offline use`);
}

/** The "Pending changes" panel (the outbox) and the offline banner. */
export const outboxPanel = (p) => p.page.locator('section.outbox');
export const offlineBanner = (p) => p.page.locator('.offline-banner');

/** Switches the network off (for the page and its service worker alike); the banner says so. */
export async function goOffline(p) {
  await p.context.setOffline(true);
  await offlineBanner(p).filter({ hasText: 'You are offline' }).waitFor();
}

/** The "Edit" card of a record's page (in a <details> in the corner of its key facts). */
export const editCard = (p) => p.page.locator('section.card').filter({ has: p.page.getByRole('heading', { name: 'Edit', exact: true }) });

/** Opens a record page's "Edit" as a user does (a click on it, unless it is open) and returns its card. */
export async function openEdit(p) {
  const details = p.page.locator('details.edit-in-place');
  if (!(await details.evaluate((d) => d.open))) await details.locator(':scope > summary').click();
  const card = editCard(p);
  await card.waitFor();
  return card;
}

/**
 * Submits the form in `scope` with its button `button` while offline: the form says "Saved
 * offline" and the outbox now holds `count` pending changes.
 */
export async function submitOffline(p, scope, button, count) {
  await scope.getByRole('button', { name: button, exact: true }).click();
  await scope.getByRole('status').filter({ hasText: 'Saved offline' }).waitFor();
  await outboxPanel(p).getByRole('heading', { name: `Pending changes (${count})` }).waitFor();
}

/**
 * Drags the element at `from` onto the one at `to` with synthetic HTML5 drag events sharing one
 * DataTransfer (dragstart, dragenter, dragover, drop, dragend), as a real drag would fire them.
 */
export async function syntheticDrag(page, from, to) {
  await page.evaluate(([fromSel, toSel]) => {
    const source = document.querySelector(fromSel);
    const target = document.querySelector(toSel);
    const dataTransfer = new DataTransfer();
    const fire = (el, type) => el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer }));
    fire(source, 'dragstart');
    fire(target, 'dragenter');
    fire(target, 'dragover');
    fire(target, 'drop');
    fire(source, 'dragend');
  }, [from, to]);
}
