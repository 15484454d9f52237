// The main customer flow with JavaScript on: sign up, create, search as you type, edit,
// notes, deactivate, and everything still there after a reload.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeBrowser, createCustomerViaForm, openEdit, signUp, unique, withPage } from './helpers.mjs';

after(closeBrowser);

test('customers: sign up, create, search, edit, note, deactivate, reload', async (t) => {
  await withPage(t, { name: 'customers' }, async (p) => {
    const page = p.page;
    const tag = unique();
    const target = { name: `Zephyrine Quillfeather ${tag}`, company: `Quill & Sons ${tag}`, email: `zephyrine.${tag}@example.test` };
    const other = { name: `Bartholomew Oakheart ${tag}`, company: `Oak Ltd ${tag}`, email: `bart.${tag}@example.test` };
    const city = `Lisbon-${tag.slice(-5)}`;
    const noteText = `Called about the renewal ${tag}; follow up next week.`;

    // Sign up -> dashboard.
    const account = await signUp(p);
    assert.equal(p.path(), '/');
    assert.equal(await p.h1(), `Welcome back, ${account.firstName}`);
    p.assertNoConsoleErrors({ where: 'dashboard after sign-up' });

    // Customers list (client-side navigation from the sidebar), then "New customer".
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.waitForURL(/\/customers$/);
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
    await p.settle();

    const ids = {};
    for (const c of [other, target]) {
      await page.getByRole('link', { name: 'New customer' }).click();
      await page.waitForURL(/\/customers\/new$/);
      await page.locator('#f-name').waitFor();
      await p.settle();
      ids[c.name] = await createCustomerViaForm(p, c);
      assert.match(await p.h1(), new RegExp(c.name));
      await p.settle();
      p.assertNoConsoleErrors({ where: `after creating ${c.name}` });
      await p.goto('/customers');
    }

    // Search as you type: the URL gets ?search= and only the match remains, without a reload.
    const list = page.locator('table.table tbody');
    await list.getByRole('link', { name: target.name }).waitFor();
    await list.getByRole('link', { name: other.name }).waitFor();
    await page.evaluate(() => { window.__e2eSameDocument = 'still here'; });
    await page.locator('#search').click();
    await page.locator('#search').pressSequentially(`Quillfeather ${tag}`, { delay: 30 });
    await page.waitForURL(/[?&]search=Quillfeather/);
    await list.getByRole('link', { name: other.name }).waitFor({ state: 'detached' });
    await list.getByRole('link', { name: target.name }).waitFor();
    await p.settle();
    assert.equal(await list.locator('tr').count(), 1, 'exactly one row matches the search');
    assert.equal(await page.evaluate(() => window.__e2eSameDocument), 'still here', 'the search reloaded the page');
    assert.ok(new URL(page.url()).searchParams.get('search').startsWith('Quillfeather'), `search in URL: ${page.url()}`);
    assert.equal(await page.locator('#search').inputValue(), `Quillfeather ${tag}`);
    p.assertNoConsoleErrors({ where: 'customers list search' });
    await p.screenshot('customers-search');

    // Open the customer.
    await list.getByRole('link', { name: target.name }).click();
    await page.waitForURL(new RegExp(`/customers/${ids[target.name]}$`));
    await page.getByRole('heading', { level: 1 }).filter({ hasText: target.name }).waitFor();
    await p.settle();

    // Edit the city.
    const edit = await openEdit(p);
    const details = page.locator('section.card').filter({ has: page.getByRole('heading', { name: 'Details' }) });
    const detail = (label) => details.locator('.dl-row').filter({ has: page.locator('dt', { hasText: label }) }).locator('dd');
    await edit.locator('#f-city').fill(city);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await p.until(async () => (await detail('Address').innerText()).includes(city),
      async () => `Details > Address shows the new city "${city}"; it shows "${await detail('Address').innerText()}"`);
    assert.equal(await detail('Email').innerText(), target.email);
    assert.equal(await page.locator('#f-city').inputValue(), city);
    await p.settle();
    p.assertNoConsoleErrors({ where: 'after saving the edit form' });

    // Add a note.
    const notes = page.locator('section.notes');
    const noteBox = notes.getByLabel('Add a note');
    await noteBox.fill(noteText);
    await notes.getByRole('button', { name: 'Add note' }).click();
    await notes.locator('.timeline .note-body', { hasText: noteText }).waitFor();
    await p.until(async () => (await noteBox.inputValue()) === '',
      async () => `the note textarea is cleared after saving; it holds "${await noteBox.inputValue()}"`);
    assert.equal(await notes.locator('.timeline li').count(), 1);
    assert.match(await notes.locator('.timeline .timeline-meta').first().innerText(), new RegExp(account.firstName));
    await p.settle();
    p.assertNoConsoleErrors({ where: 'after adding a note' });

    // Deactivate.
    const badge = page.locator('h1 .badge');
    assert.equal((await badge.innerText()).trim(), 'Active');
    await page.getByRole('button', { name: 'Deactivate' }).click();
    await p.until(async () => (await badge.innerText()).trim() === 'Inactive',
      async () => `the status badge shows "Inactive"; it shows "${await badge.innerText()}"`);
    await page.getByRole('button', { name: 'Activate' }).waitFor();
    await p.settle();
    p.assertNoConsoleErrors({ where: 'after deactivating' });

    // Reload: everything was saved.
    await p.reload();
    assert.match(p.path(), new RegExp(`^/customers/${ids[target.name]}$`));
    await page.getByRole('heading', { level: 1 }).filter({ hasText: target.name }).waitFor();
    assert.equal((await badge.innerText()).trim(), 'Inactive', 'status after reload');
    assert.ok((await detail('Address').innerText()).includes(city), 'city after reload');
    assert.equal(await page.locator('#f-city').inputValue(), city, 'city input after reload');
    assert.equal(await page.locator('#f-status').inputValue(), 'inactive', 'status select after reload');
    await notes.locator('.timeline .note-body', { hasText: noteText }).waitFor();
    await page.getByRole('button', { name: 'Activate' }).waitFor();
    assert.equal(await page.getByRole('status').filter({ hasText: 'Saved.' }).count(), 0);
    p.assertNoConsoleErrors({ where: 'customer page after reload' });
    await p.screenshot('customers');

    // The status filter applies when chosen (no reload) and is kept in the URL.
    await p.goto('/customers');
    await list.getByRole('link', { name: other.name }).waitFor();
    await page.evaluate(() => { window.__e2eSameDocument = 'still here'; });
    await page.locator('#status').selectOption('inactive');
    await page.waitForURL(/[?&]status=inactive/);
    await list.getByRole('link', { name: other.name }).waitFor({ state: 'detached' });
    await list.getByRole('link', { name: target.name }).waitFor();
    assert.equal(await list.locator('tr').count(), 1, 'only the inactive customer is listed');
    assert.equal(await page.evaluate(() => window.__e2eSameDocument), 'still here', 'the filter reloaded the page');
    await p.reload();
    assert.equal(await page.locator('#status').inputValue(), 'inactive', 'the status filter after a reload');
    assert.equal(await list.locator('tr').count(), 1);
    p.assertNoConsoleErrors({ where: 'customers list status filter' });
  });
});
