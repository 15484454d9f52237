// The outbox (public/sw.js, public/offline.js) for leads, deals, activities and notes, with the
// network switched off and on (offline.test.mjs covers customers): changes made offline in the
// app's own forms are shown as pending, sent in the order they were made when the connection
// returns, and reach the server; a change the server refuses (validation 422, stale edit 409,
// deleted record 404) stays in "Pending changes" with the server's reason and the user's input.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  apiGet, apiPost, closeBrowser, goOffline, OFFLINE_NOISE, openEdit, outboxPanel, signUp, submitOffline, unique,
  visitSaved, waitForServiceWorker, withPage,
} from './helpers.mjs';

after(closeBrowser);

const pendingItem = (p, text) => outboxPanel(p).locator('.outbox-pending', { hasText: text });
const refusedItem = (p, text) => outboxPanel(p).locator('.outbox-refused', { hasText: text });

/**
 * Switches the network back on and waits until `count` changes are listed as sent; returns
 * their descriptions in the order the service worker sent them.
 */
async function reconnect(p, count) {
  await p.context.setOffline(false);
  const sent = outboxPanel(p).locator('.outbox-sent strong');
  await p.until(async () => (await sent.count()) === count, async () => `${count} changes sent; the panel says:\n${await outboxPanel(p).innerText()}`, 20_000);
  return sent.allInnerTexts();
}

/** The value of the field `name` in a refused change's correction form. */
const keptValue = (refused, name) => refused.locator(`[name="${name}"]`).inputValue();

/** Fails unless the outbox has no pending change left, then unless the console is clean. */
async function assertSettled(p, where) {
  assert.equal(await outboxPanel(p).locator('.outbox-pending').count(), 0, 'nothing is left pending');
  p.takeExpectedConsoleErrors(OFFLINE_NOISE);
  p.assertNoConsoleErrors({ where });
}

test('offline leads: an edit and two creates sent in order on reconnect, a refused create kept and sent again', async (t) => {
  await withPage(t, { name: 'offline-leads' }, async (p) => {
    const page = p.page;
    const tag = unique();
    await signUp(p);
    await waitForServiceWorker(p);
    const { body: lead } = await apiPost(p, '/api/leads/create', { first_name: `Edited Ella ${tag}` });
    await visitSaved(p, '/leads/new');
    await visitSaved(p, `/leads/${lead.id}`);
    await goOffline(p);

    // An edit on the lead's page.
    const city = `Offline City ${tag}`;
    await (await openEdit(p)).locator('#f-city').fill(city);
    await submitOffline(p, await openEdit(p), 'Save changes', 1);
    await pendingItem(p, `Changes to lead #${lead.id}`).filter({ hasText: 'Pending: waiting for the connection' }).waitFor();

    // New leads on the saved form page (the outbox is kept across page loads): two, and
    // between them one the server will refuse (a negative estimated value).
    await p.goto('/leads/new');
    await outboxPanel(p).getByRole('heading', { name: 'Pending changes (1)' }).waitFor();
    const form = page.locator('form').filter({ has: page.locator('#f-first_name') });
    const [first, refusedName, second] = [`Queued Quinn ${tag}`, `Refused Rhea ${tag}`, `Queued Quade ${tag}`];
    await form.locator('#f-first_name').fill(first);
    await submitOffline(p, form, 'Create lead', 2);
    assert.equal(await form.locator('#f-first_name').inputValue(), first, 'the form keeps the input');
    await form.locator('#f-first_name').fill(refusedName);
    await form.locator('#f-estimated_value').fill('-5');
    await submitOffline(p, form, 'Create lead', 3);
    await form.locator('#f-first_name').fill(second);
    await form.locator('#f-estimated_value').fill('');
    await submitOffline(p, form, 'Create lead', 4);
    await pendingItem(p, `New lead “${second}”`).waitFor();
    await p.screenshot('offline-leads-pending');

    // Back online: sent in the order made; the refusal stays with the input and the reason.
    const sent = await reconnect(p, 3);
    assert.deepEqual(sent, [`Changes to lead #${lead.id} “Edited Ella ${tag}”`, `New lead “${first}”`, `New lead “${second}”`]);
    const refused = refusedItem(p, `New lead “${refusedName}”`);
    await refused.getByRole('alert').filter({ hasText: 'some fields need attention' }).waitFor();
    assert.equal(await keptValue(refused, 'first_name'), refusedName);
    assert.equal(await keptValue(refused, 'estimated_value'), '-5');
    assert.match(await refused.locator('.field-error').innerText(), /negative/);
    await p.screenshot('offline-leads-refused');

    assert.equal((await apiGet(p, '/api/leads/get', { id: lead.id })).city, city, 'the edit reached the server');
    const [a, b] = await Promise.all([first, second].map((search) => apiGet(p, '/api/leads/list', { search })));
    assert.equal(a.count, 1, `${first} was created`);
    assert.equal(b.count, 1, `${second} was created`);
    assert.ok(a.results[0].id < b.results[0].id, 'created in the order queued');
    assert.equal((await apiGet(p, '/api/leads/list', { search: refusedName })).count, 0);

    // Corrected and sent again from the outbox.
    await refused.locator('[name="estimated_value"]').fill('250');
    await refused.getByRole('button', { name: 'Send again' }).click();
    await outboxPanel(p).locator('.outbox-sent', { hasText: refusedName }).waitFor();
    const corrected = await apiGet(p, '/api/leads/list', { search: refusedName });
    assert.equal(corrected.count, 1);
    assert.equal(Number(corrected.results[0].estimated_value), 250);
    await p.until(async () => (await outboxPanel(p).locator('.outbox-refused').count()) === 0, 'no refusal is left');

    // The lead's page shows the offline edit.
    await p.goto(`/leads/${lead.id}`);
    await page.locator('.dl-row', { hasText: 'Address' }).filter({ hasText: city }).waitFor();
    await assertSettled(p, 'after the offline leads');
  });
});

test('offline deals: an edit and a create sent on reconnect, a stale edit answers 409 with the input kept', async (t) => {
  await withPage(t, { name: 'offline-deals' }, async (p) => {
    const page = p.page;
    const tag = unique();
    await signUp(p);
    await waitForServiceWorker(p);
    const { body: deal } = await apiPost(p, '/api/deals/create', { title: `Edited Deal ${tag}`, value: '100' });
    const { body: stale } = await apiPost(p, '/api/deals/create', { title: `Stale Deal ${tag}`, value: '200' });
    await visitSaved(p, '/deals/new');
    await visitSaved(p, `/deals/${stale.id}`);
    await visitSaved(p, `/deals/${deal.id}`);
    await goOffline(p);

    await (await openEdit(p)).locator('#f-value').fill('1234.5');
    await submitOffline(p, await openEdit(p), 'Save changes', 1);
    await pendingItem(p, `Changes to deal #${deal.id}`).waitFor();

    // An edit of a deal that someone else changes meanwhile (another session, not offline).
    await p.goto(`/deals/${stale.id}`);
    await (await openEdit(p)).locator('#f-value').fill('999');
    await submitOffline(p, await openEdit(p), 'Save changes', 2);
    await apiPost(p, '/api/deals/update', { id: stale.id, version: stale.version, description: `Changed meanwhile ${tag}` });

    await p.goto('/deals/new');
    const form = page.locator('form').filter({ has: page.locator('#f-title') });
    const title = `Queued Deal ${tag}`;
    await form.locator('#f-title').fill(title);
    await form.locator('#f-value').fill('500');
    await submitOffline(p, form, 'Create deal', 3);
    assert.equal(await form.locator('#f-title').inputValue(), title, 'the form keeps the input');
    await pendingItem(p, `New deal “${title}”`).waitFor();
    await p.screenshot('offline-deals-pending');

    const sent = await reconnect(p, 2);
    assert.deepEqual(sent, [`Changes to deal #${deal.id} “Edited Deal ${tag}”`, `New deal “${title}”`]);
    const refused = refusedItem(p, `Changes to deal #${stale.id}`);
    await refused.getByRole('alert').filter({ hasText: 'changed by someone else' }).waitFor();
    assert.equal(await keptValue(refused, 'value'), '999', 'the offline input is kept');
    await refused.getByRole('link', { name: 'Open the record' }).waitFor();
    await p.screenshot('offline-deals-conflict');

    assert.equal(Number((await apiGet(p, '/api/deals/get', { id: deal.id })).value), 1234.5, 'the edit reached the server');
    const now = await apiGet(p, '/api/deals/get', { id: stale.id });
    assert.equal(Number(now.value), 200, 'the stale edit did not overwrite the deal');
    assert.equal(now.description, `Changed meanwhile ${tag}`, 'the other change stays');
    const created = await apiGet(p, '/api/deals/list', { search: title });
    assert.equal(created.count, 1, 'the queued deal was created');
    assert.equal(Number(created.results[0].value), 500);
    assert.ok(created.results[0].id > stale.id);
    await assertSettled(p, 'after the offline deals');
  });
});

test('offline activities: an edit and a create sent on reconnect, an edit of a deleted activity kept', async (t) => {
  await withPage(t, { name: 'offline-activities' }, async (p) => {
    const page = p.page;
    const tag = unique();
    await signUp(p);
    await waitForServiceWorker(p);
    const { body: customer } = await apiPost(p, '/api/customers/create', { name: `Activity Anna ${tag}` });
    const newActivity = (title) => apiPost(p, '/api/activities/create', { activity_type: 'call', title, customer_id: customer.id });
    const { body: activity } = await newActivity(`Edited call ${tag}`);
    const { body: doomed } = await newActivity(`Doomed call ${tag}`);
    const newPage = `/activities/new?customer_id=${customer.id}`;
    await visitSaved(p, newPage);
    await visitSaved(p, `/activities/${doomed.id}`);
    await visitSaved(p, `/activities/${activity.id}`);
    await goOffline(p);

    const description = `Called back offline ${tag}`;
    await (await openEdit(p)).locator('#f-description').fill(description);
    await submitOffline(p, await openEdit(p), 'Save changes', 1);
    await pendingItem(p, `Changes to activity #${activity.id}`).waitFor();

    // An edit of an activity that is deleted meanwhile (another session, not offline).
    await p.goto(`/activities/${doomed.id}`);
    const lostWords = `Words for a deleted call ${tag}`;
    await (await openEdit(p)).locator('#f-description').fill(lostWords);
    await submitOffline(p, await openEdit(p), 'Save changes', 2);
    await apiPost(p, '/api/activities/delete', { id: doomed.id });

    await p.goto(newPage);
    const form = page.locator('form').filter({ has: page.locator('#f-title') });
    assert.equal(await form.locator('#f-customer_id').inputValue(), String(customer.id));
    const title = `Queued call ${tag}`;
    await form.locator('#f-title').fill(title);
    await form.locator('#f-phone_number').fill('+1 555 0199');
    await submitOffline(p, form, 'Create activity', 3);
    await pendingItem(p, `New activity “${title}”`).waitFor();
    await p.screenshot('offline-activities-pending');

    const sent = await reconnect(p, 2);
    assert.deepEqual(sent, [`Changes to activity #${activity.id} “Edited call ${tag}”`, `New activity “${title}”`]);
    const refused = refusedItem(p, `Changes to activity #${doomed.id}`);
    await refused.getByRole('alert').filter({ hasText: 'no longer exists' }).waitFor();
    assert.equal(await keptValue(refused, 'description'), lostWords, 'the offline input is kept');
    await p.screenshot('offline-activities-deleted');

    assert.equal((await apiGet(p, '/api/activities/get', { id: activity.id })).description, description, 'the edit reached the server');
    const created = await apiGet(p, '/api/activities/list', { customer_id: customer.id, search: title });
    assert.equal(created.count, 1, 'the queued activity was created');
    assert.equal(created.results[0].phone_number, '+1 555 0199');
    await assertSettled(p, 'after the offline activities');
  });
});

test('offline notes: a customer note and a note activity sent on reconnect, a note on a deleted customer kept', async (t) => {
  await withPage(t, { name: 'offline-notes' }, async (p) => {
    const page = p.page;
    const tag = unique();
    await signUp(p);
    await waitForServiceWorker(p);
    const { body: customer } = await apiPost(p, '/api/customers/create', { name: `Noted Nora ${tag}` });
    const { body: gone } = await apiPost(p, '/api/customers/create', { name: `Gone Gary ${tag}` });
    const { body: lead } = await apiPost(p, '/api/leads/create', { first_name: `Noted Neil ${tag}` });
    await visitSaved(p, `/customers/${gone.id}`);
    await visitSaved(p, `/leads/${lead.id}`);
    await visitSaved(p, `/customers/${customer.id}`);
    await goOffline(p);

    const notes = page.locator('section.notes').filter({ has: page.getByRole('heading', { name: 'Notes', exact: true }) });
    const body = `Offline note ${tag}`;
    await notes.locator('[name="body"]').fill(body);
    await submitOffline(p, notes, 'Add note', 1);
    assert.equal(await notes.locator('[name="body"]').inputValue(), body, 'the note box keeps the text');
    await pendingItem(p, `Note on customer #${customer.id}`).waitFor();

    // A note on a customer that is deleted meanwhile (another session, not offline).
    await p.goto(`/customers/${gone.id}`);
    const lostNote = `Note on a deleted customer ${tag}`;
    await notes.locator('[name="body"]').fill(lostNote);
    await submitOffline(p, notes, 'Add note', 2);
    await apiPost(p, '/api/customers/delete', { id: gone.id });

    // An activity of type note, logged from the lead's timeline.
    await p.goto(`/leads/${lead.id}`);
    const timeline = page.locator('section[aria-label="Activity timeline"]');
    await timeline.locator('summary', { hasText: 'Log activity' }).click();
    await timeline.locator('select[name="activity_type"]').selectOption('note');
    const title = `Offline note activity ${tag}`;
    await timeline.locator('#log-title').fill(title);
    await timeline.locator('#log-description').fill(`Written offline ${tag}`);
    await submitOffline(p, timeline, 'Log activity', 3);
    await pendingItem(p, `New activity “${title}”`).waitFor();
    await p.screenshot('offline-notes-pending');

    const sent = await reconnect(p, 2);
    assert.deepEqual(sent, [`Note on customer #${customer.id}`, `New activity “${title}”`]);
    const refused = refusedItem(p, `Note on customer #${gone.id}`);
    await refused.getByRole('alert').filter({ hasText: 'no longer exists' }).waitFor();
    assert.equal(await keptValue(refused, 'body'), lostNote, 'the offline input is kept');
    await p.screenshot('offline-notes-deleted');

    const saved = await apiGet(p, '/api/customers/notes', { customer_id: customer.id });
    assert.deepEqual(saved.map((n) => n.body), [body], 'the note reached the server');
    const logged = await apiGet(p, '/api/activities/list', { lead_id: lead.id });
    assert.equal(logged.count, 1);
    assert.equal(logged.results[0].activity_type, 'note');
    assert.equal(logged.results[0].title, title);

    // The customer's page shows the note.
    await p.goto(`/customers/${customer.id}`);
    await notes.locator('.note-body', { hasText: body }).waitFor();
    await assertSettled(p, 'after the offline notes');
  });
});
