// Phone-sized viewport: no horizontal page overflow, navigation visible; a list shows each row's
// name and the fields that tell rows apart, and the whole table is one tap away.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeBrowser, signUp, unique, withPage } from './helpers.mjs';

after(closeBrowser);

const PHONE = { width: 390, height: 844 };

/** Fails when the page scrolls sideways; names the elements sticking out. */
async function assertNoHorizontalOverflow(p, where) {
  const m = await p.page.evaluate(() => {
    const vw = window.innerWidth;
    const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
    const wide = [];
    const clipped = (el) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') return true;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll('*')) {
      if (clipped(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > vw + 0.5) {
        // Report only the outermost offenders.
        if (!wide.some((w) => w.el.contains(el))) wide.push({ el, right: Math.round(r.right) });
      }
    }
    const wideContent = [...document.body.querySelectorAll('*')]
      .filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > vw)
      .map((el) => `${describe(el)} (content ${el.scrollWidth}px, box ${Math.round(el.getBoundingClientRect().width)}px)`);
    return {
      wideContent,
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: vw,
      offenders: wide.slice(0, 8).map((w) => `${describe(w.el)} (right edge ${w.right}px)`),
    };
  });
  assert.ok(m.scrollWidth <= m.innerWidth,
    `${where}: the page overflows horizontally: scrollWidth ${m.scrollWidth} > innerWidth ${m.innerWidth}; ` +
    `elements past the right edge: ${m.offenders.join(', ')}; ` +
    `scroll containers with content wider than the viewport: ${m.wideContent.join(', ') || 'none'}`);
}

async function assertNavigationVisible(p, where) {
  const page = p.page;
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.ok(await nav.isVisible(), `${where}: the main navigation is visible`);
  for (const label of ['Dashboard', 'Customers']) {
    const link = nav.getByRole('link', { name: label });
    assert.ok(await link.isVisible(), `${where}: the "${label}" link is visible`);
    const box = await link.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width && box.y >= 0 && box.y < PHONE.height,
      `${where}: the "${label}" link is inside the first screen: ${JSON.stringify(box)}`);
  }
}

test('layout: phone viewport, dashboard and customers list', async (t) => {
  await withPage(t, { name: 'layout', viewport: PHONE }, async (p) => {
    const page = p.page;
    await signUp(p, { firstName: 'Maximilianus', lastName: 'Featherstonehaugh-Worthington' });

    // Some customers with long values, so the list has a real table to fit.
    const tag = unique();
    for (let i = 0; i < 3; i++) {
      const res = await p.context.request.post('/api/customers/create', {
        form: {
          name: `Customer with a rather long name number ${i} ${tag}`,
          company_name: `International Consolidated Holdings Incorporated ${i}`,
          email: `a.very.long.email.address.${i}.${tag}@subdomain.example.test`,
          credit_limit: '1234567.89',
        },
      });
      assert.equal(res.status(), 200, `creating a customer: ${await res.text()}`);
    }

    await p.goto('/');
    await page.getByRole('heading', { level: 1, name: /Welcome back, Maximilianus/ }).waitFor();
    await page.locator('section.cards').waitFor();
    await assertNavigationVisible(p, 'dashboard');
    await assertNoHorizontalOverflow(p, 'dashboard');
    p.assertNoConsoleErrors({ where: 'dashboard (phone)' });
    await p.screenshot('layout-dashboard-phone');

    await p.goto('/customers');
    await page.locator('table.table tbody tr').first().waitFor();
    assert.equal(await page.locator('table.table tbody tr').count(), 3);
    await assertNavigationVisible(p, 'customers list');
    await assertNoHorizontalOverflow(p, 'customers list');
    // Name, company and status, the table within its card; the rest after "All columns".
    const headers = async () => (await page.locator('table.table thead th:visible').allTextContents()).map((h) => h.replace(/[▲▼]/g, '').trim());
    assert.deepEqual(await headers(), ['Name', 'Company', 'Status']);
    const fits = () => page.locator('.table-card').evaluate((card) => card.querySelector('table').scrollWidth <= card.clientWidth);
    assert.ok(await fits(), 'the reduced table fits its card');
    await p.screenshot('layout-customers-phone');
    await page.getByLabel('All columns').check();
    assert.deepEqual(await headers(), ['Name', 'Company', 'Email', 'Status', 'Type', 'Assigned to', 'Credit limit', 'Created']);
    await assertNoHorizontalOverflow(p, 'customers list, all columns (the table scrolls in its card)');
    p.assertNoConsoleErrors({ where: 'customers list (phone)' });
  });
});
