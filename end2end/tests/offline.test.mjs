// Offline support (public/sw.js, public/offline.js) with the network switched off and on:
// the banner, saved pages, the outbox (queued, sent in order, refusals kept with the input),
// a stale edit answered 409, several edits of one record on its saved page, and the reload when the
// server's version changes.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  apiGet, apiPost, closeBrowser, createCustomerViaForm, goOffline, OFFLINE_NOISE, offlineBanner, openEdit,
  outboxPanel, signUp, submitOffline, unique, visitSaved, waitForServiceWorker, withPage,
} from './helpers.mjs';

after(closeBrowser);

test('offline: banner, saved pages, a create queued and sent on reconnect, a refused create kept', async (t) => {
  await withPage(t, { name: 'offline-outbox' }, async (p) => {
    const page = p.page;
    const tag = unique();
    await signUp(p);
    await waitForServiceWorker(p);

    await visitSaved(p, '/customers/new');
    const savedName = `Saved Sam ${tag}`;
    const id = await createCustomerViaForm(p, { name: savedName });
    await visitSaved(p, '/customers');
    await visitSaved(p, `/customers/${id}`);
    p.assertNoConsoleErrors({ where: 'online, before going offline' });

    // The network drops: the banner says so.
    await p.context.setOffline(true); // for the page and its service worker alike
    await offlineBanner(p).filter({ hasText: 'You are offline' }).waitFor();

    // Recently viewed list and record open, marked as saved copies.
    await p.goto('/customers');
    await page.locator('table.table tbody').getByRole('link', { name: savedName }).waitFor();
    await offlineBanner(p).filter({ hasText: /copy saved .* may be out of date/ }).waitFor();
    await p.goto(`/customers/${id}`);
    await page.getByRole('heading', { level: 1 }).filter({ hasText: savedName }).waitFor();
    await offlineBanner(p).filter({ hasText: 'may be out of date' }).waitFor();

    // A page never opened: the offline page, not the browser's error page.
    await page.goto(p.url('/leads'));
    await page.getByRole('heading', { level: 1, name: 'You are offline' }).waitFor();

    // Create a customer offline: queued, shown as pending, the form keeps the input.
    await p.goto('/customers/new');
    const queuedName = `Queued Quinn ${tag}`;
    await page.locator('#f-name').fill(queuedName);
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved offline' }).waitFor();
    assert.equal(await page.locator('#f-name').inputValue(), queuedName);
    await outboxPanel(p).getByRole('heading', { name: 'Pending changes (1)' }).waitFor();
    await outboxPanel(p).locator('.outbox-pending', { hasText: `New customer “${queuedName}”` }).waitFor();

    // And one the server will refuse (a negative credit limit).
    const refusedName = `Refused Rita ${tag}`;
    await page.locator('#f-name').fill(refusedName);
    await page.locator('#f-credit_limit').fill('-5');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await outboxPanel(p).getByRole('heading', { name: 'Pending changes (2)' }).waitFor();
    await p.screenshot('offline-pending');

    // Back online: sent in order; the refusal stays, with the input and the server's reason.
    await p.context.setOffline(false);
    await outboxPanel(p).locator('.outbox-sent', { hasText: queuedName }).waitFor({ timeout: 20_000 });
    const refused = outboxPanel(p).locator('.outbox-refused', { hasText: refusedName });
    await refused.getByRole('alert').filter({ hasText: 'some fields need attention' }).waitFor();
    assert.equal(await refused.locator('input[name="name"]').inputValue(), refusedName);
    assert.equal(await refused.locator('input[name="credit_limit"]').inputValue(), '-5');
    assert.ok((await refused.locator('.field-error').innerText()).length > 0, 'the credit limit problem is shown');
    const listed = await apiGet(p, '/api/customers/list', { search: queuedName });
    assert.equal(listed.count, 1, 'the queued customer was created');
    assert.equal((await apiGet(p, '/api/customers/list', { search: refusedName })).count, 0);
    await p.screenshot('offline-refused');

    // Corrected and sent again from the outbox.
    await refused.locator('input[name="credit_limit"]').fill('500');
    await refused.getByRole('button', { name: 'Send again' }).click();
    await outboxPanel(p).locator('.outbox-sent', { hasText: refusedName }).waitFor();
    assert.equal((await apiGet(p, '/api/customers/list', { search: refusedName })).count, 1);
    await p.until(async () => (await outboxPanel(p).locator('.outbox-refused, .outbox-pending').count()) === 0, 'the outbox is empty');

    p.takeExpectedConsoleErrors(OFFLINE_NOISE);
    p.assertNoConsoleErrors({ where: 'after the offline round trip' });
  });
});

test('offline: an edit of a record someone else changed meanwhile answers 409, the input kept', async (t) => {
  await withPage(t, { name: 'offline-conflict' }, async (p) => {
    const tag = unique();
    await signUp(p);
    await waitForServiceWorker(p);
    const { body: customer } = await apiPost(p, '/api/customers/create', { name: `Conflict Cora ${tag}` });
    await visitSaved(p, `/customers/${customer.id}`);

    await goOffline(p);
    const edit = await openEdit(p);
    const city = `Offline City ${tag}`;
    await edit.locator('#f-city').fill(city);
    await submitOffline(p, edit, 'Save changes', 1);
    await outboxPanel(p).locator('.outbox-pending', { hasText: `Changes to customer #${customer.id}` }).waitFor();

    // Someone else saves the customer meanwhile (another session, not offline).
    await apiPost(p, '/api/customers/update', { id: customer.id, version: customer.version, name: customer.name, phone: '+1 555 0100' });

    await p.context.setOffline(false);
    const refused = outboxPanel(p).locator('.outbox-refused', { hasText: `Changes to customer #${customer.id}` });
    await refused.getByRole('alert').filter({ hasText: 'changed by someone else' }).waitFor({ timeout: 20_000 });
    assert.equal(await refused.locator('input[name="city"]').inputValue(), city, 'the offline input is kept');
    const now = await apiGet(p, '/api/customers/get', { id: customer.id });
    assert.equal(now.phone, '+1 555 0100', 'the other change stays');
    assert.equal(now.city ?? null, null, 'the stale edit did not overwrite it');
    await p.screenshot('offline-conflict');

    // Discarding is the user's choice, never automatic.
    await refused.getByRole('button', { name: 'Discard' }).click();
    await refused.waitFor({ state: 'detached' });

    p.takeExpectedConsoleErrors(OFFLINE_NOISE);
    p.assertNoConsoleErrors({ where: 'after the conflict' });
  });
});

test('offline: edits of one record on its saved page all apply; a stale one goes on the current version', async (t) => {
  await withPage(t, { name: 'offline-two-edits' }, async (p) => {
    const tag = unique();
    await signUp(p);
    await waitForServiceWorker(p);
    const { body: customer } = await apiPost(p, '/api/customers/create', { name: `Twice Tess ${tag}`, city: 'Old City' });
    const here = `/customers/${customer.id}`;
    await visitSaved(p, here);
    const edit = await openEdit(p);
    const saveOffline = (count) => submitOffline(p, edit, 'Save changes', count);

    await goOffline(p);
    await edit.locator('#f-phone').fill('+1 555 0101');
    await saveOffline(1);

    // The second edit is made on the page opened again from its saved copy: the old phone, the
    // old version. Sending the whole form would put the old phone back.
    await p.goto(here);
    await openEdit(p);
    assert.equal(await edit.locator('#f-phone').inputValue(), '', 'the saved copy shows the phone before the first edit');
    await edit.locator('#f-city').fill(`New City ${tag}`);
    await saveOffline(2);
    // A third on the same page: the city set back (a change, though the page showed it so) and
    // the company.
    const company = `Tess & Co ${tag}`;
    await edit.locator('#f-city').fill('Old City');
    await edit.locator('#f-company_name').fill(company);
    await saveOffline(3);

    await p.context.setOffline(false);
    await p.until(async () => (await outboxPanel(p).locator('.outbox-sent').count()) === 3, 'the three edits sent', 20_000);
    assert.equal(await outboxPanel(p).locator('.outbox-refused').count(), 0, 'no edit is taken for someone else\'s');
    let now = await apiGet(p, '/api/customers/get', { id: customer.id });
    assert.equal(now.phone, '+1 555 0101', 'the first edit stays');
    assert.equal(now.city, 'Old City', 'the city set back applied');
    assert.equal(now.company_name, company, 'the third edit applied');
    assert.equal(now.version, customer.version + 3);

    // Someone else changes the phone; an offline edit of the email on the old saved page is
    // refused as stale, then applied on top of their change at the user's request.
    await apiPost(p, '/api/customers/update', { id: customer.id, version: now.version, phone: '+1 555 0199' });
    await p.context.setOffline(true);
    await p.goto(here);
    await openEdit(p);
    const email = `tess.${tag}@example.com`;
    await edit.locator('#f-email').fill(email);
    await saveOffline(1);
    await p.context.setOffline(false);
    const refused = outboxPanel(p).locator('.outbox-refused', { hasText: `Changes to customer #${customer.id}` });
    await refused.getByRole('alert').filter({ hasText: 'changed by someone else' }).waitFor({ timeout: 20_000 });
    assert.match(await refused.getByRole('alert').textContent(),
      /^Not saved: this customer was changed by someone else\. Open the record to see what changed, or apply your changes to the current version\.$/,
      'the refusal points to the panel, not to reloading');
    assert.deepEqual(await refused.locator('input').evaluateAll((inputs) => inputs.map((i) => [i.name, i.value])), [['email', email]],
      'the correction form shows the field the user changed');
    assert.equal((await apiGet(p, '/api/customers/get', { id: customer.id })).email ?? null, null, 'the stale edit did not apply');
    await p.screenshot('offline-stale-edit');
    const apply = refused.getByRole('button', { name: 'Apply my changes to the current version' });
    // Offline, the current version cannot be read: the panel says so and the edit stays.
    await p.context.setOffline(true);
    await apply.click();
    await refused.getByRole('alert').filter({ hasText: 'could not be read' }).waitFor();
    await p.context.setOffline(false);
    await apply.click();
    await outboxPanel(p).locator('.outbox-sent', { hasText: `Changes to customer #${customer.id}` }).waitFor();
    await refused.waitFor({ state: 'detached' });
    now = await apiGet(p, '/api/customers/get', { id: customer.id });
    assert.equal(now.email, email, 'the user\'s change applied');
    assert.equal(now.phone, '+1 555 0199', 'the other person\'s change stays');
    assert.equal(now.company_name, company);

    p.takeExpectedConsoleErrors(OFFLINE_NOISE);
    p.assertNoConsoleErrors({ where: 'after the offline edits' });
  });
});

test('offline: a page of another version reloads when the server answers', async (t) => {
  await withPage(t, { name: 'offline-version' }, async (p) => {
    const page = p.page;
    await signUp(p);
    await waitForServiceWorker(p);
    await p.goto('/customers');
    const current = await page.locator('meta[name="app-version"]').getAttribute('content');
    const version = await page.evaluate(() => fetch('/healthz').then((r) => r.headers.get('x-app-version')));
    assert.equal(version, current, 'responses carry the version the page was rendered with');

    // Make this page one of an older build, then let the app talk to the server.
    await page.evaluate(() => {
      window.__e2eOldPage = true;
      document.querySelector('meta[name="app-version"]').content = 'old-build';
    });
    await page.locator('#search').pressSequentially('x', { delay: 30 });
    await p.until(() => page.evaluate(() => !window.__e2eOldPage).catch(() => false), 'the page reloaded');
    await p.waitForHydration();
    assert.equal(await page.locator('meta[name="app-version"]').getAttribute('content'), current);
    p.assertNoConsoleErrors({ where: 'after the reload for a new version' });
  });
});
