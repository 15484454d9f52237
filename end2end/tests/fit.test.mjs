// Pages that fit (issue 21): at a desktop's 1400 × 900 and a phone's 390 × 844, no page of the
// route table (src/app.rs) is wider than the window, no chart's text reaches past its chart (the
// SVG's viewBox, as drawn), and no table cell is clipped (unless it ellipsizes and carries its whole
// text in a title). A record page shows who the record is, what to do next and what is open with
// it without scrolling at 1400 × 900; its edit form opens in place, with JavaScript and without. Wide content scrolls inside its own box where that is
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

/**
 * Table cells, and anything else that ellipsizes, whose content is wider than their box: clipped,
 * unless it ellipsizes and carries its whole text in a `title`.
 */
function clippedCells() {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!el.checkVisibility() || el.scrollWidth <= el.clientWidth + 1 || el.clientWidth === 0) continue;
    const style = getComputedStyle(el);
    const cell = el.matches('td, th');
    const ellipsis = style.textOverflow === 'ellipsis' && style.overflowX === 'hidden';
    if (!cell && !ellipsis) continue;
    if (ellipsis && el.closest('[title]')) continue;
    out.push(`<${el.tagName.toLowerCase()}> "${el.textContent.trim().slice(0, 40)}" is ${el.scrollWidth} px in a ${el.clientWidth} px box`);
  }
  return [...new Set(out)];
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
  const cells = await p.page.evaluate(clippedCells);
  if (cells.length) problems.push(`${path} at ${width} px: clipped: ${cells.join('; ')}`);
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
  // A webhook whose test event is refused (loopback): its log has a row with the reason.
  const { body: webhook } = await apiPost(p, '/api/webhooks/create', {
    url: `http://127.0.0.1:9/hooks/too-good-crm/deliveries-for-the-billing-system-${tag}`, events: '*',
    description: 'Billing system of Internationale Handelsgesellschaft',
  });
  await apiPost(p, '/api/webhooks/test', { id: String(webhook.id) });
  return [
    `/customers/${customer.id}`, `/leads/${lead.id}`, `/deals/${deal.id}`, `/activities/${activity.id}`,
    `/pipelines/${pipeline.id}`, `/settings/templates/${template.id}`, `/vendors/${vendor.id}`,
    `/orders/${order.id}`, `/payments/${payment.id}`, `/issues/${issue.id}`, `/employees/${employee.id}`,
    `/settings/webhooks/${webhook.id}`,
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
  '/settings/roles', '/settings/outbox', '/settings/templates', '/settings/webhooks',
  '/search', '/search?q=a',
  '/vendors', '/vendors/new',
  '/orders', '/orders/new',
  '/payments', '/payments/new',
  '/issues', '/issues/new',
  '/employees', '/employees/new',
];

test('fit: no page is wider than the window and no chart text or table cell is cut, at 1400 and 390 px', async (t) => {
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

/** The parts of the page that are not inside the window (0..innerHeight, without scrolling). */
async function belowTheFold(p, parts) {
  const out = [];
  for (const [what, locator] of parts) {
    const box = await locator.first().boundingBox();
    if (!box) out.push(`${what}: not shown`);
    else if (box.y < 0 || box.y + Math.min(box.height, 40) > p.page.viewportSize().height) out.push(`${what}: at y ${Math.round(box.y)}`);
  }
  return out;
}

test('a record page reads at a glance at 1400 × 900: facts, next actions, timeline in the centre, related records; edit opens in place', async (t) => {
  await withPage(t, { name: 'record-page', viewport: WIDTHS[0], serviceWorkers: 'block' }, async (p) => {
    const page = p.page;
    await signUp(p);
    const details = await fill(p);
    const customer = details[0];
    await p.goto(customer);
    await p.settle();
    const section = (id) => page.locator(`section[aria-labelledby="${id}"]`);
    const facts = page.locator('.record-facts');
    const timeline = page.locator('section[aria-label="Activity timeline"]');
    const missing = await belowTheFold(p, [
      ['the name', page.getByRole('heading', { level: 1 })],
      ['the email', facts.locator('.dl-row', { hasText: 'Email' })],
      ['the assignee', facts.locator('.dl-row', { hasText: 'Assigned to' })],
      ['Edit', page.locator('details.edit-in-place > summary')],
      ['Deactivate', page.getByRole('button', { name: 'Deactivate' })],
      ['Log activity…', timeline.locator('summary', { hasText: 'Log activity' })],
      ['Send email…', timeline.locator('summary', { hasText: 'Send email' })],
      ['the last activity', timeline.locator('ol.timeline > li')],
      ['the deals', section('customer-deals-title').locator('.related-list li')],
      ['the orders', section('customer-orders-title').locator('.related-list li')],
    ]);
    assert.deepEqual(missing, [], 'on the customer page at 1400 × 900, without scrolling');
    // The timeline is the centre: between the facts and the related records.
    const [f, m, s] = await Promise.all(['.record-facts', '.record-main', '.record-side'].map((c) => page.locator(c).boundingBox()));
    assert.ok(f.x + f.width <= m.x && m.x + m.width <= s.x, `facts ${JSON.stringify(f)}, centre ${JSON.stringify(m)}, side ${JSON.stringify(s)}`);
    assert.ok(m.width > f.width && m.width > s.width, 'the centre is the widest column');
    assert.equal(await page.locator('#f-city').isVisible(), false, 'the edit form is closed: no copy of the facts beside them');
    await p.screenshot('record-customer-1400');

    // Every record page: its name, its facts and the start of its centre above the fold.
    for (const path of details.filter((d) => !d.startsWith('/pipelines') && !d.startsWith('/settings'))) {
      await p.goto(path);
      const parts = [['the name', page.getByRole('heading', { level: 1 })], ['the facts', page.locator('.record-facts .card')]];
      if (await page.locator('.record-main').count()) parts.push(['the centre', page.locator('.record-main > *')]);
      if (await page.locator('.record-side').count()) parts.push(['the related records', page.locator('.record-side > *')]);
      assert.deepEqual(await belowTheFold(p, parts), [], `${path} at 1400 × 900`);
    }

    // Edit opens in place: the form takes the facts' place; a save closes it on the new facts.
    await p.goto(customer);
    await p.settle();
    await page.locator('details.edit-in-place > summary').click();
    await page.locator('#f-city').waitFor();
    assert.equal(await facts.locator('.dl-row', { hasText: 'Email' }).isVisible(), false, 'the facts give way to the form');
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);
    assert.ok(fits, 'the open form fits the window');
    await p.screenshot('record-customer-edit-1400');
    await page.locator('#f-city').fill('Wuppertal');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await facts.locator('.dl-row', { hasText: 'Wuppertal' }).waitFor();
    assert.equal(await page.locator('#f-city').isVisible(), false, 'the form closed on the saved facts');
    p.assertNoConsoleErrors({ where: 'the record page' });
  });
});

test('a record page without JavaScript: edit opens in place, a refused save opens it again with the problem, a save closes it', async (t) => {
  await withPage(t, { name: 'record-page-nojs', javaScriptEnabled: false }, async (p) => {
    const page = p.page;
    await signUp(p);
    await p.goto('/customers/new');
    const tag = unique();
    await page.locator('#f-name').fill(`Nojs Record ${tag}`);
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.waitForURL(/\/customers\/\d+$/);
    const edit = page.locator('details.edit-in-place');
    assert.equal(await edit.evaluate((d) => d.open), false, 'closed at first');
    await edit.locator(':scope > summary').click();
    await page.locator('#f-email').fill('not-an-email');
    await page.locator('form').filter({ has: page.locator('#f-email') }).evaluate((f) => { f.noValidate = true; });
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/__err=/);
    assert.equal(await edit.evaluate((d) => d.open), true, 'open again after a refused save');
    await page.locator('.field-error').filter({ hasText: /email/i }).first().waitFor();
    await page.locator('#f-email').fill(`nojs.${tag}@example.test`);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL((url) => /^\/customers\/\d+$/.test(url.pathname) && !url.search.includes('__err'));
    assert.equal(await edit.evaluate((d) => d.open), false, 'closed after the save');
    await page.locator('.record-facts .dl-row', { hasText: `nojs.${tag}@example.test` }).waitFor();
  });
});
