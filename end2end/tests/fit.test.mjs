// Pages that fit (issue 21, parts 1 and 2): at a desktop's 1400 × 900 and a phone's 390 × 844, no
// page of the route table (src/app.rs) is wider than the window, and no chart's text reaches past
// its chart (the SVG's viewBox, as drawn). Wide content scrolls inside its own box where that is
// the design (the board's columns, a table on a phone): the document itself never scrolls
// sideways.
//
// The organization is filled through the API so that every page has content: a deal in every
// stage of the board (cards with their hidden labels in columns scrolled out of view), a
// customer with deals, orders, payments, issues, activities and notes, long unbroken text
// (an e-mail address, a 999,999,999.99 amount), an order with items. Screenshots of the main
// pages at both widths go to end2end/test-results/fit-<width>-<page>.png.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { apiGet, apiPost, closeBrowser, signUp, unique, withPage } from './helpers.mjs';

after(closeBrowser);

const WIDTHS = [
  { width: 1400, height: 900 },
  { width: 390, height: 844 },
];

/** Pages whose screenshots are kept, by path: the file's name. */
const SHOTS = new Map([
  ['/', 'dashboard'],
  ['/customers', 'customers'],
  ['/deals/board', 'deals-board'],
  ['/analytics', 'analytics'],
]);

/**
 * The document's width against the window's and, for the message, what sticks out past the
 * window's right edge: the outermost such elements, plus positioned ones that escape the box
 * scrolling them (an absolutely positioned element is clipped by a scrolling ancestor only when
 * its containing block is that ancestor or inside it).
 */
function measure() {
  const W = window.innerWidth;
  const sw = document.documentElement.scrollWidth;
  const culprits = [];
  if (sw > W) {
    const scrollers = (el) => {
      const out = [];
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') out.push(a);
      }
      return out;
    };
    const name = (el) => `<${el.tagName.toLowerCase()}${el.classList.length ? ` .${[...el.classList].join('.')}` : ''}>`;
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= W + 0.5 || !el.checkVisibility()) continue;
      const positioned = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
      const boxes = scrollers(el);
      const box = boxes[0];
      if (positioned) {
        const cb = el.offsetParent;
        if (cb && boxes.some((b) => b === cb || b.contains(cb))) continue;
      } else {
        if (box) continue;
        if (el.parentElement !== document.body && el.parentElement.getBoundingClientRect().right > W + 0.5) continue;
      }
      culprits.push(`${name(el)}${positioned ? ` (positioned, in ${box ? name(box) : 'the page'})` : ''} right edge ${Math.round(r.right)}`);
      if (culprits.length >= 5) break;
    }
  }
  return { scrollWidth: sw, innerWidth: W, culprits };
}

/** Chart texts (as drawn, rotation included) that reach past their SVG's viewBox. */
function clippedChartText() {
  const out = [];
  for (const svg of document.querySelectorAll('figure.chart svg')) {
    const m = svg.getScreenCTM();
    const vb = svg.viewBox.baseVal;
    if (!m || !vb || vb.width === 0) continue;
    const box = {
      left: m.e + vb.x * m.a, right: m.e + (vb.x + vb.width) * m.a,
      top: m.f + vb.y * m.d, bottom: m.f + (vb.y + vb.height) * m.d,
    };
    for (const t of svg.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        out.push(`"${t.textContent.slice(0, 40)}" spans ${Math.round(r.left - box.left)}..${Math.round(r.right - box.left)} of ${Math.round(box.right - box.left)} px`);
      }
    }
  }
  return out;
}

/** Visits `path` and measures it; islands (board, items editor, forms) hydrate first. */
async function check(p, path, width, problems) {
  const started = Date.now();
  const response = await p.page.goto(p.url(path), { waitUntil: 'load' });
  assert.equal(response?.status(), 200, `${path} at ${width} px answered ${response?.status()}`);
  if (await p.page.locator('leptos-island').count()) {
    // The islands have hydrated (the WASM instantiated, then a frame): no need to wait for the
    // network to be idle, nothing that sets a page's width comes later.
    const state = await (await p.page.waitForFunction(
      () => (window.__e2eWasmError ? `error: ${window.__e2eWasmError}` : window.__e2eWasmReady === true),
      null,
      { timeout: 30_000, polling: 'raf' },
    )).jsonValue();
    assert.equal(state, true, `the app's WASM failed to load on ${path}: ${state}`);
    await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
  }
  const m = await p.page.evaluate(measure);
  if (m.scrollWidth > m.innerWidth) {
    problems.push(`${path} at ${width} px: document.documentElement.scrollWidth ${m.scrollWidth} > innerWidth ${m.innerWidth}`
      + (m.culprits.length ? ` (past the edge: ${m.culprits.join(', ')})` : ''));
  }
  const clipped = await p.page.evaluate(clippedChartText);
  if (clipped.length) problems.push(`${path} at ${width} px: chart text past its chart: ${clipped.join('; ')}`);
  const shot = SHOTS.get(path) ?? (path === p.shotCustomer ? 'customer' : null);
  if (shot) await p.screenshot(`fit-${width}-${shot}`);
  if (process.env.FIT_TIMES) console.log(`${width} ${path} ${Date.now() - started} ms`);
}

/** Fills a fresh organization with one record of every kind; returns the detail pages' paths. */
async function fill(p) {
  const tag = unique();
  const { body: customer } = await apiPost(p, '/api/customers/create', {
    name: `Internationale Handelsgesellschaft für Büroausstattung ${tag}`,
    company_name: 'Internationale Handelsgesellschaft für Büroausstattung und Konferenztechnik mbH',
    email: `accounts.payable.department.for.all.regional.offices.${tag}@handelsgesellschaft-bueroausstattung.example`,
    website: `https://handelsgesellschaft-bueroausstattung.example/kunden/konferenztechnik/${tag}`,
    city: 'Mönchengladbach',
    notes: 'Prefers quotes by mail.',
  });
  const customerId = String(customer.id);
  // The longest name an employee can have (two fields of 100 characters), owning a won deal of
  // the largest amount: the top performers' and revenue charts show both.
  const { body: employee } = await apiPost(p, '/api/employees/create', {
    first_name: `Bartholomew ${'Alexander'.repeat(10)}`.slice(0, 100),
    last_name: `Featherstonehaugh ${tag} ${'Montgomery'.repeat(10)}`.slice(0, 100),
    email: `bartholomew.${tag}@example.test`, job_title: 'Regional account manager',
  });
  const { body: won } = await apiPost(p, '/api/deals/create', {
    title: `Headquarters refit ${tag}`, value: '999999999.99', customer_id: customerId, assigned_to: String(employee.id),
  });
  await apiPost(p, '/api/deals/won', { id: String(won.id) });
  await apiPost(p, '/api/customers/add_note', { customer_id: customerId, body: `Called about the renewal ${tag}.` });

  // A deal in every stage of the default pipeline, the first with the largest amount allowed.
  const board = await apiGet(p, '/api/deals/board');
  let deal = null;
  for (const [i, column] of board.columns.entries()) {
    const { body } = await apiPost(p, '/api/deals/create', {
      title: i === 0 ? `Conference rooms for all regional offices ${tag}` : `Deal ${i} ${tag}`,
      value: i === 0 ? '999999999.99' : String(1000 * (i + 1)),
      customer_id: customerId,
      stage_id: String(column.stage.id),
    });
    deal ??= body;
  }
  const [pipeline] = await apiGet(p, '/api/pipelines/list');

  const { body: lead } = await apiPost(p, '/api/leads/create', {
    first_name: 'Maximiliane', last_name: `Wolkenstein-Rabensberg ${tag}`, company: 'Rabensberg Konferenzsysteme',
  });
  const { body: activity } = await apiPost(p, '/api/activities/create', {
    activity_type: 'call', title: `Follow-up call ${tag}`, customer_id: customerId, deal_id: String(deal.id),
  });
  const { body: vendor } = await apiPost(p, '/api/vendors/create', { name: `Acme Office Supply ${tag}`, email: `sales.${tag}@acme-office-supply.example` });
  const items = JSON.stringify([
    { item_name: 'Ergonomic chair with adjustable lumbar support', sku: 'CH-ERGO-2000', quantity: '12', unit_price: '289.00' },
    { item_name: 'Conference table', quantity: '1', unit_price: '999999.99' },
  ]);
  const { body: order } = await apiPost(p, '/api/orders/create', { title: `Office restock ${tag}`, customer_id: customerId, items });
  const { body: payment } = await apiPost(p, '/api/payments/create', {
    order_id: String(order.id), customer_id: customerId, amount: '3468.00', currency: 'USD', payment_type: 'incoming',
  });
  const { body: issue } = await apiPost(p, '/api/issues/create', {
    title: `Damaged chairs on delivery ${tag}`, priority: 'high', category: 'delivery', customer_id: customerId, order_id: String(order.id),
  });
  const { body: template } = await apiPost(p, '/api/templates/create', {
    name: `Renewal reminder ${tag}`, subject: 'Your renewal', body: 'Hello {{customer.name}}, your renewal is due.',
  });
  return [
    `/customers/${customer.id}`, `/leads/${lead.id}`, `/deals/${deal.id}`, `/activities/${activity.id}`,
    `/pipelines/${pipeline.id}`, `/settings/templates/${template.id}`, `/vendors/${vendor.id}`,
    `/orders/${order.id}`, `/payments/${payment.id}`, `/issues/${issue.id}`, `/employees/${employee.id}`,
  ];
}

const SIGNED_OUT = ['/login', '/signup', '/forgot-password', '/reset-password', '/invite'];

const SIGNED_IN = [
  '/', '/analytics',
  '/customers', '/customers/new', '/customers/import',
  '/leads', '/leads/new', '/leads/import',
  '/deals', '/deals/new', '/deals/board',
  '/activities', '/activities/new',
  '/pipelines',
  '/profile', '/organizations',
  '/settings/roles', '/settings/outbox', '/settings/templates',
  '/search', '/search?q=a',
  '/vendors', '/vendors/new',
  '/orders', '/orders/new',
  '/payments', '/payments/new',
  '/issues', '/issues/new',
  '/employees', '/employees/new',
];

test('fit: no page is wider than the window and no chart text is cut, at 1400 and 390 px', async (t) => {
  await withPage(t, { name: 'fit', viewport: WIDTHS[0], serviceWorkers: 'block' }, async (p) => {
    const problems = [];
    for (const { width, height } of WIDTHS) {
      await p.page.setViewportSize({ width, height });
      for (const path of SIGNED_OUT) await check(p, path, width, problems);
    }

    await signUp(p);
    const details = await fill(p);
    p.shotCustomer = details[0];
    const pages = [...SIGNED_IN, ...details];
    for (const { width, height } of WIDTHS) {
      await p.page.setViewportSize({ width, height });
      for (const path of pages) await check(p, path, width, problems);
    }
    assert.deepEqual(problems, [], `pages that do not fit:\n${problems.join('\n')}`);
  });
});
