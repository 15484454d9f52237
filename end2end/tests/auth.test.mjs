// Signed-out redirects, a refused sign-in, signing in, and signing out from the user menu.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { BASE_URL, closeBrowser, signUp, withPage } from './helpers.mjs';

after(closeBrowser);

/** Visits /customers and expects a real HTTP redirect to /login. */
async function expectRedirectToLogin(p, where) {
  const response = await p.goto('/customers');
  assert.equal(p.path(), '/login', `${where}: /customers should redirect to /login`);
  const first = response.request().redirectedFrom();
  assert.ok(first, `${where}: the redirect to /login is an HTTP redirect`);
  assert.equal(new URL(first.url()).pathname, '/customers');
  assert.equal((await first.response()).status(), 302);
  await p.page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
}

async function signOut(p, account) {
  const page = p.page;
  const menu = page.locator('details.user-menu');
  const summary = menu.locator('summary');
  assert.equal((await summary.innerText()).trim(), `${account.firstName} ${account.lastName}`);
  await summary.click();
  await menu.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${BASE_URL}/login`);
  await p.waitForHydration();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  const cookies = await p.context.cookies(BASE_URL);
  assert.ok(!cookies.some((c) => c.name === 'tgc_session' && c.value), 'the session cookie is gone after signing out');
}

test('auth: redirects, wrong password, sign in, sign out', async (t) => {
  // The redirects are the server's: a service worker in between (public/sw.js) would hide the
  // redirect chain from the browser's view of the navigation.
  await withPage(t, { name: 'auth', serviceWorkers: 'block' }, async (p) => {
    const page = p.page;

    await expectRedirectToLogin(p, 'signed out');
    p.assertNoConsoleErrors({ where: '/login' });

    const account = await signUp(p);
    await signOut(p, account);
    await expectRedirectToLogin(p, 'after signing out');

    // A wrong password is refused with a message; the page stays on /login.
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'invalid email or password' }).waitFor();
    assert.equal(p.path(), '/login');
    await p.settle();
    // The refused sign-in answers 401, which Chromium logs as a failed resource load.
    const expected = p.takeExpectedConsoleErrors(/status of 401/);
    assert.ok(expected.length <= 1, `at most one 401 logged: ${JSON.stringify(expected)}`);
    p.assertNoConsoleErrors({ where: 'refused sign-in' });
    await p.screenshot('auth-wrong-password');

    // The right password signs in (the form keeps working after the error).
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${BASE_URL}/`);
    await page.getByRole('heading', { level: 1, name: `Welcome back, ${account.firstName}` }).waitFor();
    await p.settle();
    p.assertNoConsoleErrors({ where: 'dashboard after sign-in' });

    // Sign out from the user menu: lands on /login, and /customers redirects again.
    await signOut(p, account);
    await expectRedirectToLogin(p, 'after the second sign-out');
    p.assertNoConsoleErrors({ where: 'after signing out' });
    await p.screenshot('auth');
  });
});
