// Operations (issue 4): an order with three items whose totals follow the typing, saved and
// edited (the server's totals are the ones that stay after a reload); an issue resolved with
// notes, commented on and reopened.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { apiGet, apiPost, closeBrowser, openEdit, signUp, unique, withPage } from './helpers.mjs';

after(closeBrowser);

/** Text of an element, trimmed. */
const text = async (locator) => (await locator.innerText()).trim();

/** The items editor of the order form on the page. */
function itemsEditor(page) {
  const editor = page.locator('fieldset.items-editor');
  const row = (n) => editor.locator('tbody tr').nth(n);
  return {
    editor,
    row,
    input: (n, label) => editor.getByLabel(`${label}, item ${n + 1}`, { exact: true }),
    line: (n) => row(n).locator('td.item-line output'),
    total: editor.locator('.items-total output'),
  };
}

/** Polls until `locator`'s text is `want`. */
async function expectText(p, locator, want, where) {
  let got = null;
  await p.until(async () => (got = await text(locator)) === want, () => `${where}: shows "${want}"; it shows "${got}"`, 5_000);
}

test('operations: an order with three items totals as you type; an edited quantity is saved', async (t) => {
  await withPage(t, { name: 'operations-order-items' }, async (p) => {
    const page = p.page;
    const title = `Fit-out ${unique()}`;
    await signUp(p);
    // An order is for a customer or from a vendor: start from the customer's "new order" link.
    const { body: customer } = await apiPost(p, '/api/customers/create', { name: `Builder ${unique()}` });

    await p.goto(`/orders/new?customer=${customer.id}`);
    await page.getByRole('heading', { level: 1, name: 'New order' }).waitFor();
    await page.locator('#f-title').fill(title);
    const items = itemsEditor(page);
    assert.equal(await items.editor.locator('tbody tr').count(), 3, 'a new order offers three empty rows');
    await expectText(p, items.total, 'USD 0.00', 'the empty order');

    // 3 × 33.33 = 99.99; 2 × 0.10 = 0.20; 4 × 12.50 = 50.00 → 150.19 (exact decimal arithmetic).
    const rows = [
      ['Widget', '3', '33.33', 'USD 99.99'],
      ['Gadget', '2', '0.10', 'USD 0.20'],
      ['Cable', '4', '12.50', 'USD 50.00'],
    ];
    const running = ['USD 99.99', 'USD 100.19', 'USD 150.19'];
    for (const [n, [name, quantity, price, line]] of rows.entries()) {
      await items.input(n, 'Item name').fill(name);
      await items.input(n, 'Quantity').fill(quantity);
      await expectText(p, items.line(n), '—', `line ${n + 1} without a price`);
      await items.input(n, 'Unit price').fill(price);
      await expectText(p, items.line(n), line, `line ${n + 1} as typed`);
      await expectText(p, items.total, running[n], `the order total after line ${n + 1}`);
    }
    // A row can be added and removed again without touching the total.
    await page.getByRole('button', { name: '+ Add item' }).click();
    assert.equal(await items.editor.locator('tbody tr').count(), 4);
    await items.input(3, 'Quantity').fill('1000');
    await items.input(3, 'Unit price').fill('1');
    await expectText(p, items.total, 'USD 1,150.19', 'the total with a fourth row');
    await page.getByRole('button', { name: 'Remove item 4' }).click();
    await expectText(p, items.total, 'USD 150.19', 'the total after removing the fourth row');
    p.assertNoConsoleErrors({ where: 'typing the items' });
    await p.screenshot('operations-order-new');

    await page.getByRole('button', { name: 'Create order' }).click();
    await page.waitForURL(/\/orders\/\d+$/, { timeout: 20_000 });
    const orderId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByRole('heading', { level: 1 }).filter({ hasText: title }).waitFor();
    await p.settle();
    const orderTotal = page.locator('dd.order-total');
    await expectText(p, orderTotal, 'USD 150.19', 'the saved order');
    let order = await apiGet(p, '/api/orders/get', { id: orderId });
    assert.equal(order.total_amount, '150.19');
    assert.deepEqual(order.items.map((i) => [i.item_name, i.total_price]), [['Widget', '99.99'], ['Gadget', '0.20'], ['Cable', '50.00']]);
    assert.match(order.number, /^ORD-\d{4}-0001$/, 'the first order of the organization this year');
    assert.equal(order.customer_id, customer.id);

    // The edit form shows the saved items; change a quantity, watch the totals, save.
    await openEdit(p);
    const edit = itemsEditor(page);
    assert.equal(await edit.input(1, 'Item name').inputValue(), 'Gadget');
    await edit.input(1, 'Quantity').fill('7');
    await expectText(p, edit.line(1), 'USD 0.70', 'the edited line');
    await expectText(p, edit.total, 'USD 150.69', 'the edited total');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await expectText(p, orderTotal, 'USD 150.69', 'the order after saving');
    p.assertNoConsoleErrors({ where: 'editing the order' });

    // After a reload the server's figures are shown, in the summary and in the form.
    await p.reload();
    await expectText(p, orderTotal, 'USD 150.69', 'the order after a reload');
    await openEdit(p);
    const reloaded = itemsEditor(page);
    assert.equal(await reloaded.input(1, 'Quantity').inputValue(), '7');
    await expectText(p, reloaded.line(1), 'USD 0.70', 'the edited line after a reload');
    await expectText(p, reloaded.total, 'USD 150.69', 'the form total after a reload');
    order = await apiGet(p, '/api/orders/get', { id: orderId });
    assert.equal(order.total_amount, '150.69');
    assert.deepEqual(order.items.map((i) => [i.item_name, i.quantity, i.total_price]),
      [['Widget', '3', '99.99'], ['Gadget', '7', '0.70'], ['Cable', '4', '50.00']]);
    p.assertNoConsoleErrors({ where: 'after the reload' });
    await p.screenshot('operations-order-saved');
  });
});

test('operations: resolve an issue with notes, comment, reopen it', async (t) => {
  await withPage(t, { name: 'operations-issue-resolve' }, async (p) => {
    const page = p.page;
    const title = `Damaged crate ${unique()}`;
    const notes = 'Replacement shipped with tracking 1Z999.';
    await signUp(p);
    const { body: created } = await apiPost(p, '/api/issues/create', { title, priority: 'high', category: 'delivery' });

    await p.goto(`/issues/${created.id}`);
    const h1 = page.getByRole('heading', { level: 1 });
    await h1.filter({ hasText: title }).waitFor();
    const status = page.locator('h1 .badge').first();
    assert.equal(await text(status), 'Open');
    assert.equal(await page.getByRole('button', { name: 'Reopen' }).count(), 0, 'an open issue has no Reopen');

    // Resolve… opens a panel asking for the resolution notes.
    const resolveMenu = page.locator('details.menu').filter({ has: page.locator('summary', { hasText: 'Resolve…' }) });
    await resolveMenu.locator('summary').click();
    await resolveMenu.locator('textarea[name="resolution_notes"]').fill(notes);
    await resolveMenu.getByRole('button', { name: 'Mark resolved' }).click();
    await expectText(p, status, 'Resolved', 'the status after resolving');
    const resolution = page.locator('.dl-row').filter({ has: page.locator('dt', { hasText: /^Resolution$/ }) }).locator('dd');
    await expectText(p, resolution, notes, 'the resolution notes');
    await page.getByRole('button', { name: 'Reopen' }).waitFor();
    assert.equal(await page.locator('summary', { hasText: 'Resolve…' }).count(), 0, 'a resolved issue has no Resolve…');
    await p.settle();
    p.assertNoConsoleErrors({ where: 'after resolving' });

    // A comment appears in the list and the box is emptied.
    const comment = `Customer confirmed receipt ${unique()}`;
    const box = page.locator('section.notes textarea[name="body"]');
    await box.fill(comment);
    await page.getByRole('button', { name: 'Add comment' }).click();
    await page.locator('section.notes .timeline li').filter({ hasText: comment }).waitFor();
    await p.until(async () => (await box.inputValue()) === '', 'the comment box is emptied after saving');

    // Still resolved after a reload, with who and when.
    await p.reload();
    assert.equal(await text(status), 'Resolved');
    await expectText(p, resolution, notes, 'the resolution notes after a reload');
    let issue = await apiGet(p, '/api/issues/get', { id: created.id });
    assert.equal(issue.status, 'resolved');
    assert.equal(issue.resolution_notes, notes);
    assert.ok(issue.resolved_at && issue.resolved_by, 'resolved_at and resolved_by are set by the server');

    // Reopen: back to open, the resolution cleared, Resolve… offered again.
    await page.getByRole('button', { name: 'Reopen' }).click();
    await expectText(p, status, 'Open', 'the status after reopening');
    await page.locator('summary', { hasText: 'Resolve…' }).waitFor();
    assert.equal(await resolution.count(), 0, 'an open issue shows no resolution');
    await p.settle();
    await p.reload();
    assert.equal(await text(status), 'Open');
    await page.locator('section.notes .timeline li').filter({ hasText: comment }).waitFor();
    issue = await apiGet(p, '/api/issues/get', { id: created.id });
    assert.equal(issue.status, 'open');
    assert.equal(issue.resolution_notes, null);
    assert.equal(issue.resolved_at, null);
    p.assertNoConsoleErrors({ where: 'after reopening' });
    await p.screenshot('operations-issue-reopened');
  });
});
