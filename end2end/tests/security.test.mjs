// Security in the browser: stored markup is shown as text and never runs (with the
// Content-Security-Policy on, hydration still works without a violation), and "Sign out
// everywhere" ends the session.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { apiGet, apiPost, closeBrowser, signUp, syntheticDrag, withPage } from './helpers.mjs';

after(closeBrowser);

const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>';

test('security: stored markup shows as text on the list and detail pages and never runs', async (t) => {
  await withPage(t, { name: 'security-xss' }, async (p) => {
    const page = p.page;
    await signUp(p);
    const { body: customer } = await apiPost(p, '/api/customers/create', { name: XSS, notes: XSS, company_name: XSS });
    await apiPost(p, '/api/customers/add_note', { customer_id: String(customer.id), body: XSS });

    for (const path of ['/customers', `/customers/${customer.id}`]) {
      const response = await p.goto(path);
      const csp = response.headers()['content-security-policy'] ?? '';
      assert.match(csp, /script-src 'self' 'nonce-[0-9a-f]+' 'wasm-unsafe-eval'/, `CSP of ${path}: ${csp}`);
      // The payload is there, literally, as text.
      await page.getByText(XSS, { exact: true }).first().waitFor();
      assert.equal(await page.evaluate(() => window.__xss), undefined, `the payload ran on ${path}`);
      assert.equal(await page.locator('main img, main script').count(), 0, `markup from the payload on ${path}`);
      p.assertNoConsoleErrors({ where: path });
    }
    // After a client-side navigation (rendered by the WASM, not the server) too.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.waitForURL(/\/customers$/);
    await page.getByRole('link', { name: XSS }).click();
    await page.waitForURL(/\/customers\/\d+$/);
    await page.getByRole('heading', { level: 1 }).filter({ hasText: XSS }).waitFor();
    await p.settle();
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'the payload ran after client-side navigation');
    p.assertNoConsoleErrors({ where: 'client-side navigation' });
  });
});

// Text that closes the raw-text elements (<title>, <textarea>, <script>, <style>) and carries
// markers: none may become an element, on the server's page or after the islands hydrate.
const CLOSES = (n) => `</title></textarea></script></style><!--"'--><svg onload=__xss=${n}><b id="inj${n}">INJ${n}</b>`;

test('security: text closing <title>, <textarea> and <script> stays text on the detail page and the board', async (t) => {
  await withPage(t, { name: 'security-raw-text' }, async (p) => {
    const page = p.page;
    await signUp(p);
    const name = `Name ${CLOSES(1)}`;
    const notes = `Notes ${CLOSES(2)}`;
    const { body: customer } = await apiPost(p, '/api/customers/create', { name, notes });
    const board = await apiGet(p, '/api/deals/board');
    const stage = board.columns[0].stage;
    const stageName = `Stage ${CLOSES(3)}`;
    await apiPost(p, '/api/pipelines/update_stage', { id: String(stage.id), name: stageName });
    const title = `Deal ${CLOSES(4)}`;
    const { body: deal } = await apiPost(p, '/api/deals/create', {
      title, customer_id: String(customer.id), stage_id: String(stage.id), value: '10',
    });
    const injected = () => page.evaluate(() => ({
      markers: document.querySelectorAll('[id^="inj"], svg[onload]').length,
      ran: window.__xss,
    }));

    await p.goto(`/customers/${customer.id}`);
    assert.equal(await page.title(), `${name} · Too Good CRM`);
    assert.equal(await page.locator('#f-notes').inputValue(), notes);
    await page.getByRole('heading', { level: 1 }).filter({ hasText: name }).waitFor();
    assert.deepEqual(await injected(), { markers: 0, ran: undefined }, 'markup from the input on the detail page');

    await p.goto('/deals/board');
    await p.waitForHydration();
    const card = page.locator(`li.deal-card[aria-labelledby="deal-${deal.id}-title"]`);
    assert.equal((await page.locator(`#deal-${deal.id}-title`).innerText()).trim(), title);
    assert.equal((await page.locator(`#stage-${stage.id}-title`).innerText()).startsWith(stageName), true);
    assert.deepEqual(await injected(), { markers: 0, ran: undefined }, 'markup from the input on the board');
    // The board island hydrated with these props: a drag still moves the card.
    const target = board.columns[1].stage;
    await syntheticDrag(page, `li.deal-card[aria-labelledby="deal-${deal.id}-title"]`,
      `section.board-column[aria-labelledby="stage-${target.id}-title"] .board-column-head`);
    await page.locator(`section.board-column[aria-labelledby="stage-${target.id}-title"]`).locator(card).waitFor();
    assert.deepEqual(await injected(), { markers: 0, ran: undefined }, 'markup from the input after a move');
    p.assertNoConsoleErrors({ where: 'board with hostile names' });
  });
});

test('security: "Sign out everywhere" on the profile ends the session', async (t) => {
  await withPage(t, { name: 'security-sign-out-everywhere' }, async (p) => {
    const page = p.page;
    await signUp(p);
    await p.goto('/profile');
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.waitForURL(/\/login$/);
    await p.waitForHydration();
    // The old session is gone: a signed-in page sends the browser back to sign in.
    await p.goto('/customers');
    assert.match(p.path(), /^\/login/);
    p.assertNoConsoleErrors({ where: 'after signing out everywhere' });
  });
});
