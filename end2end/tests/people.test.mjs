// Activities and employees (issue 5): a meeting logged on a deal's timeline and marked done; an
// employee created from the form and terminated.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { apiGet, apiPost, closeBrowser, signUp, unique, withPage } from './helpers.mjs';

after(closeBrowser);

test('activities: log a meeting on a deal, see it on the timeline and the list, mark it done', async (t) => {
  await withPage(t, { name: 'activities-timeline' }, async (p) => {
    const page = p.page;
    await signUp(p);
    const { body: deal } = await apiPost(p, '/api/deals/create', { title: `Rollout ${unique()}`, value: '1200' });
    const title = `Kick-off ${unique()}`;
    await p.goto(`/deals/${deal.id}`);
    const timeline = page.getByRole('region', { name: 'Activity timeline' });
    await timeline.getByText('Log activity…').click();
    await timeline.getByLabel('Type').selectOption('meeting');
    await timeline.getByLabel('Title').fill(title);
    await timeline.getByLabel('When (UTC; empty if it just happened)').fill('2030-05-01T10:00');
    await timeline.getByRole('button', { name: 'Log activity' }).click();
    const entry = timeline.locator('li').filter({ hasText: title });
    await entry.waitFor();
    assert.match(await entry.innerText(), /Scheduled/, 'a meeting with a time is scheduled');
    assert.equal(await timeline.getByLabel('Title').inputValue(), '', 'the form is cleared once saved');

    await entry.getByRole('button', { name: 'Mark done' }).click();
    await p.until(async () => /Completed/.test(await entry.innerText()), () => 'the entry shows Completed');
    const { results } = await apiGet(p, '/api/activities/list', { deal_id: deal.id });
    assert.equal(results.length, 1);
    assert.equal(results[0].status, 'completed');
    assert.ok(results[0].completed_at, 'completed_at is set by the server');

    await p.goto('/activities');
    await page.getByRole('link', { name: title }).waitFor();
    await p.settle();
    p.assertNoConsoleErrors({ where: 'activities' });
  });
});

test('employees: create one in a department, then terminate them', async (t) => {
  await withPage(t, { name: 'employees' }, async (p) => {
    const page = p.page;
    await signUp(p);
    const last = `Nguyen${unique().slice(-5)}`;
    await p.goto('/employees/new');
    await page.getByLabel('First name').fill('Mai');
    await page.getByLabel('Last name').fill(last);
    await page.getByLabel('Department').fill('Support');
    await page.getByRole('button', { name: 'Create employee' }).click();
    await page.waitForURL(/\/employees\/\d+$/);
    await page.getByRole('heading', { level: 1 }).filter({ hasText: last }).waitFor();

    await page.getByRole('button', { name: 'Terminate employee' }).click();
    await p.until(async () => /Terminated/.test(await page.locator('h1').innerText()), () => 'the heading shows Terminated');
    const { results } = await apiGet(p, '/api/employees/list', { search: last });
    assert.equal(results[0].status, 'terminated');
    assert.ok(results[0].termination_date, 'a termination date (today) is set');

    await p.goto('/employees');
    await page.getByText('Support').first().waitFor();
    await p.settle();
    p.assertNoConsoleErrors({ where: 'employees' });
  });
});
