// Roles and the client portal (issue 5): a permission ticked in the roles matrix is saved and
// applies; a customer's contact invited from the customer's page follows the mailed link (read
// on the outbox page), chooses a password, sees only their orders and raises an issue about one. A pipeline's stages are reordered with the
// arrows (forms posted in the background) and by dragging a row, and the order is saved.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { apiGet, apiPost, BASE_URL, closeBrowser, signUp, syntheticDrag, unique, withPage } from './helpers.mjs';

after(closeBrowser);

test('roles: a permission ticked in the matrix is saved and shown after a reload', async (t) => {
  await withPage(t, { name: 'roles-matrix' }, async (p) => {
    const page = p.page;
    await signUp(p);
    await p.goto('/settings/roles');
    await page.getByRole('heading', { level: 1, name: 'Roles & permissions' }).waitFor();
    const box = page.getByLabel('Sales rep: Leads delete', { exact: true });
    assert.equal(await box.isChecked(), false, 'sales reps start without leads:delete');
    assert.equal(await page.getByLabel('Owner: Leads delete', { exact: true }).isDisabled(), true, "the owner's column is fixed");
    await box.check();
    const salesColumn = page.locator('th.matrix-role').filter({ hasText: 'Sales rep' });
    await salesColumn.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const roles = await apiGet(p, '/api/roles/list');
    const rep = roles.find((r) => r.slug === 'sales_rep');
    assert.ok(rep.permissions.includes('leads:delete'), `saved: ${rep.permissions}`);
    assert.ok(rep.permissions.includes('deals:edit'), 'the other ticks stay');
    await p.goto('/settings/roles');
    assert.equal(await page.getByLabel('Sales rep: Leads delete', { exact: true }).isChecked(), true, 'after a reload');
    await p.settle();
    p.assertNoConsoleErrors({ where: '/settings/roles' });
  });
});

test('portal: an invited contact sees only their orders and raises an issue about one', async (t) => {
  const email = `contact-${unique()}@portal.example`;
  const password = 'portal-pass-123';
  const orderTitle = `Kitchen fit-out ${unique()}`;
  let invitation = null; // the link in the invitation mail
  await withPage(t, { name: 'portal-invite' }, async (p) => {
    const page = p.page;
    await signUp(p);
    const { body: mine } = await apiPost(p, '/api/customers/create', { name: `Portal customer ${unique()}` });
    const { body: other } = await apiPost(p, '/api/customers/create', { name: `Someone else ${unique()}` });
    const items = JSON.stringify([{ item_name: 'Cabinet', quantity: '1', unit_price: '100' }]);
    await apiPost(p, '/api/orders/create', { title: orderTitle, customer_id: mine.id, items });
    await apiPost(p, '/api/orders/create', { title: 'Not theirs', customer_id: other.id, items });
    await p.goto(`/customers/${mine.id}`);
    const card = page.locator('section.card').filter({ has: page.getByRole('heading', { name: 'Client portal' }) });
    await card.getByLabel('Email').fill(email);
    await card.getByRole('button', { name: 'Invite to the portal' }).click();
    await card.getByRole('status').filter({ hasText: `Invited ${email}` }).waitFor();
    p.assertNoConsoleErrors({ where: 'portal invite' });
    // The invitation mail, as the outbox shows it (sent to maildev or kept, the text is there).
    await p.goto('/settings/outbox');
    const mail = page.locator('li.outbox-mail').filter({ hasText: email });
    await mail.locator('summary').click();
    const text = await mail.locator('pre.mail-text').innerText();
    invitation = text.match(/\/invite\?token=\S+/)?.[0];
    assert.ok(invitation, `an invitation link in the mail: ${text}`);
  });
  await withPage(t, { name: 'portal-contact' }, async (p) => {
    const page = p.page;
    // The contact follows the link, chooses a name and a password, and is in the portal.
    await p.goto(invitation);
    await page.getByText('You are invited to').waitFor();
    await page.getByLabel('First name').fill('Pat');
    await page.getByLabel('Password (8+ characters)').fill(password);
    await page.getByRole('button', { name: 'Join' }).click();
    await page.waitForURL(`${BASE_URL}/`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Orders' }).waitFor();
    for (const staff of ['Customers', 'Leads', 'Deals', 'Vendors', 'Employees', 'Roles']) {
      assert.equal(await nav.getByRole('link', { name: staff }).count(), 0, `${staff} is not in the portal menu`);
    }
    await nav.getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('link', { name: orderTitle }).or(page.getByText(orderTitle)).first().waitFor();
    assert.equal(await page.getByText('Not theirs').count(), 0, "another customer's order is not listed");

    await p.goto('/issues/new');
    await page.locator('#f-title').fill('A door is scratched');
    const order = page.getByLabel('Order');
    const value = await order.locator('option', { hasText: orderTitle }).getAttribute('value');
    await order.selectOption(value);
    assert.equal(await page.locator('[name="vendor_id"]').count(), 0, 'no vendor field in the portal');
    await page.getByRole('button', { name: 'Raise issue' }).click();
    await page.waitForURL(/\/issues\/\d+$/);
    await page.getByRole('heading', { level: 1 }).filter({ hasText: 'A door is scratched' }).waitFor();
    await p.settle();
    p.assertNoConsoleErrors({ where: 'portal' });
  });
});

test('pipelines: stages reordered with the arrows and by dragging a row; the order is saved', async (t) => {
  await withPage(t, { name: 'pipeline-stage-order' }, async (p) => {
    const page = p.page;
    await signUp(p);
    const [pipeline] = await apiGet(p, '/api/pipelines/list');
    const names = async () => (await apiGet(p, '/api/pipelines/get', { id: pipeline.id })).stages.map((s) => s.name);
    const before = pipeline.stages.map((s) => s.name);
    assert.ok(before.length >= 3, `the default pipeline has stages: ${before}`);
    await p.goto(`/pipelines/${pipeline.id}`);
    await page.getByRole('heading', { name: 'Stages' }).waitFor();
    await p.settle();

    // The arrow: a form posted in the background (the page stays, the row moves).
    await page.getByRole('button', { name: `Move ${before[1]} up`, exact: true }).click();
    const swapped = [before[1], before[0], ...before.slice(2)];
    await p.until(async () => JSON.stringify(await names()) === JSON.stringify(swapped), `saved after the arrow: ${swapped}`);
    const rows = page.locator('ol.stage-list > li.stage-row');
    await p.until(async () => (await rows.first().locator('input[name="name"]').inputValue()) === before[1], 'the row moved up on the page');

    // The drag: the last row dropped on the first one.
    await syntheticDrag(page, 'ol.stage-list > li.stage-row:last-child', 'ol.stage-list > li.stage-row:first-child');
    const dragged = [swapped[swapped.length - 1], ...swapped.slice(0, -1)];
    await p.until(async () => JSON.stringify(await names()) === JSON.stringify(dragged), `saved after the drag: ${dragged}`);

    await p.goto(`/pipelines/${pipeline.id}`);
    const shown = await rows.locator('input[name="name"]').evaluateAll((inputs) => inputs.map((i) => i.value));
    assert.deepEqual(shown, dragged, 'the order after a reload');
    await p.settle();
    p.assertNoConsoleErrors({ where: `/pipelines/${pipeline.id}` });
  });
});
