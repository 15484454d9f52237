// The app as one page (public/nav.js): links, forms (a file upload too) and the back button
// swap pages in without reloading the document; a refused form comes back with what was typed
// and the problems named, at the form's own address; the islands of a swapped-in page come to
// life.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeBrowser, signUp, unique, withPage } from './helpers.mjs';

after(closeBrowser);

/** Marks the current document; `sameDocument` tells whether it is still the one shown. */
const mark = (p) => p.page.evaluate(() => { window.__e2eDocument = 'kept'; });
const sameDocument = (p) => p.page.evaluate(() => window.__e2eDocument === 'kept');

test('navigation: links, a refused and an accepted form, back, islands, an upload, all without a reload', async (t) => {
  await withPage(t, { name: 'navigation' }, async (p) => {
    const page = p.page;
    const name = `Navigating Nora ${unique()}`;
    await signUp(p);
    await mark(p);

    // A link: the page and its title change, the document stays.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
    assert.equal(p.path(), '/customers');
    assert.equal(await page.title(), 'Customers · Too Good CRM');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main', 'the new page has the focus');
    await page.getByRole('link', { name: 'New customer' }).click();
    await page.waitForURL(/\/customers\/new$/);
    await page.locator('#f-name').waitFor();

    // A refused form: the problem is named, what was typed is still there, the address is
    // the form's own (no error in it), and the button is usable again.
    await page.locator('#f-name').fill(name);
    await page.locator('#f-city').fill('Porto');
    await page.locator('#f-credit_limit').fill('-5');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.locator('#f-credit_limit-error').filter({ hasText: /negative/ }).waitFor();
    assert.equal(p.path(), '/customers/new');
    assert.equal(await page.locator('#f-name').inputValue(), name);
    assert.equal(await page.locator('#f-city').inputValue(), 'Porto');
    assert.equal(await page.locator('#f-credit_limit').inputValue(), '-5');
    assert.equal(await page.getByRole('button', { name: 'Create customer' }).isDisabled(), false);
    p.takeExpectedConsoleErrors(/status of 4\d\d/);

    // Corrected and sent again: the new customer's page.
    await page.locator('#f-credit_limit').fill('250');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.waitForURL(/\/customers\/\d+$/);
    await page.getByRole('heading', { level: 1 }).filter({ hasText: name }).waitFor();
    assert.equal(await page.title(), `${name} · Too Good CRM`);

    // Back: the previous page again.
    await page.goBack();
    await page.waitForURL(/\/customers\/new$/);
    await page.getByRole('heading', { level: 1, name: 'New customer' }).waitFor();
    assert.ok(await sameDocument(p), 'links, forms and back navigated without reloading the document');

    // An island on a page swapped in: the order form's items editor totals as you type.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('heading', { level: 1, name: 'Orders' }).waitFor();
    await page.getByRole('link', { name: 'New order' }).click();
    await page.waitForURL(/\/orders\/new/);
    const editor = page.locator('fieldset.items-editor');
    await editor.getByLabel('Quantity, item 1', { exact: true }).fill('3');
    await editor.getByLabel('Unit price, item 1', { exact: true }).fill('2.50');
    await p.until(async () => (await editor.locator('.items-total output').innerText()).trim() === 'USD 7.50',
      'the items editor of a swapped-in page totals as you type');
    assert.ok(await sameDocument(p), 'still the same document');

    // A file upload (a multipart form) goes the same way: the import lands on the list.
    const imported = `Imported Ivo ${unique()}`;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.waitForURL(/\/customers\/import$/);
    // Too large for the server (over 1 MiB): refused without a page, the form says so and stays.
    await page.locator('#file').setInputFiles({
      name: 'huge.csv', mimeType: 'text/csv', buffer: Buffer.from(`name\n${'x'.repeat(1_200_000)}\n`),
    });
    await page.getByRole('button', { name: 'Import file' }).click();
    await page.getByRole('alert').filter({ hasText: 'The change was not saved (the server answered 413)' }).waitFor();
    assert.equal(p.path(), '/customers/import');
    p.takeExpectedConsoleErrors(/status of 413/);
    await page.locator('#file').setInputFiles({
      name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(`name,city\n${imported},Braga\n`),
    });
    await page.getByRole('button', { name: 'Import file' }).click();
    await page.waitForURL(/\/customers$/);
    await page.locator('table.table tbody').getByRole('link', { name: imported }).waitFor();
    assert.ok(await sameDocument(p), 'the upload did not reload the document either');
    p.assertNoConsoleErrors({ where: 'navigating' });
  });
});
