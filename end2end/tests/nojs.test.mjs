// The app without JavaScript: plain HTML forms post to /api/* and the server redirects.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeBrowser, createCustomerViaForm, signUp, unique, withPage } from './helpers.mjs';

after(closeBrowser);

test('no JavaScript: sign up, create a customer, server-side validation errors', async (t) => {
  await withPage(t, { name: 'nojs', javaScriptEnabled: false }, async (p) => {
    const page = p.page;
    const tag = unique();
    const name = `Ingrid Nojs ${tag}`;

    // Scripts really are off.
    await p.goto('/signup');
    assert.equal(await page.evaluate(() => typeof window.__e2eWasmReady), 'undefined');
    const signupForm = page.locator('form').filter({ has: page.locator('input[name="first_name"]') });
    assert.equal(await signupForm.getAttribute('method'), 'post');
    assert.equal(await signupForm.getAttribute('action'), '/api/auth/register');

    // Sign up: the form posts to /api/auth/register, the server redirects to the dashboard.
    let registerResponse = null;
    page.on('response', (r) => { if (new URL(r.url()).pathname === '/api/auth/register') registerResponse = r; });
    const account = await signUp(p);
    assert.ok(registerResponse, 'the sign-up form posted to /api/auth/register');
    assert.equal(registerResponse.request().method(), 'POST');
    assert.equal(registerResponse.status(), 302, 'the server redirects the plain form post');
    assert.equal(registerResponse.headers().location, '/');
    assert.equal(await p.h1(), `Welcome back, ${account.firstName}`);

    // Create a customer through /customers/new: the server redirects to /customers/<id>.
    await p.goto('/customers/new');
    const newForm = page.locator('form').filter({ has: page.locator('#f-name') });
    assert.equal(await newForm.getAttribute('action'), '/api/customers/create');
    const id = await createCustomerViaForm(p, { name, company: `Nojs GmbH ${tag}`, email: `ingrid.${tag}@example.test` });
    assert.equal(p.path(), `/customers/${id}`);
    assert.match(await p.h1(), new RegExp(name));
    assert.match(await page.locator('.page-header .muted').innerText(), new RegExp(`Nojs GmbH ${tag}`));
    await p.screenshot('nojs-customer');

    // The list shows it, and the search form works as a plain GET form ("Apply").
    await p.goto('/customers');
    await page.locator('table.table tbody').getByRole('link', { name }).waitFor();
    await page.locator('#search').fill(`Nojs ${tag}`);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/\/customers\?.*search=Nojs/);
    await page.locator('table.table tbody').getByRole('link', { name }).waitFor();

    // Server-side validation, as a browser would submit it: a blank name (spaces pass the
    // browser's `required` check) and an address the browser accepts but the server refuses.
    await p.goto('/customers/new');
    await page.locator('#f-name').fill('   ');
    await page.locator('#f-email').fill('someone@localhost');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.waitForURL(/\/customers\/new\?/);
    await assertValidationShown(p);

    // And literally empty/invalid values: the test turns off the browser's own form
    // validation (as an old browser or a script-free client would post it).
    await p.goto('/customers/new');
    await page.locator('#f-name').fill('');
    await page.locator('#f-email').fill('not-an-email');
    await page.locator('form').filter({ has: page.locator('#f-name') }).evaluate((f) => { f.noValidate = true; });
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.waitForURL(/\/customers\/new\?/);
    await assertValidationShown(p);

    p.assertNoConsoleErrors({ where: 'no-JS pages' });
    await p.screenshot('nojs');
  });
});

async function assertValidationShown(p) {
  const page = p.page;
  assert.equal(new URL(page.url()).pathname, '/customers/new');
  const nameField = page.locator('.field').filter({ has: page.locator('#f-name') });
  const emailField = page.locator('.field').filter({ has: page.locator('#f-email') });
  assert.equal((await nameField.locator('.field-error').innerText()).trim(), 'is required');
  assert.equal((await emailField.locator('.field-error').innerText()).trim(), 'is not a valid email address');
  assert.match(await nameField.getAttribute('class'), /\binvalid\b/);
  assert.equal(await page.locator('#f-email').getAttribute('aria-invalid'), 'true');
  await page.getByRole('alert').filter({ hasText: 'Please correct the highlighted fields.' }).waitFor();
}
