// Security in the browser: stored markup is shown as text and never runs (with the
// Content-Security-Policy on, hydration still works without a violation), and "Sign out
// everywhere" ends the session.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { apiPost, closeBrowser, signUp, withPage } from './helpers.mjs';

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
