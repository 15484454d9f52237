// Analytics (issue 5): a won deal shows on the dashboard and in the revenue chart drawn on the
// server; changing the period re-draws it in the running app; the funnel's pipeline is chosen on
// the page.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { apiPost, closeBrowser, signUp, unique, withPage } from './helpers.mjs';

after(closeBrowser);

test('analytics: a won deal on the dashboard and in the revenue chart; the period changes in place', async (t) => {
  await withPage(t, { name: 'analytics' }, async (p) => {
    const page = p.page;
    await signUp(p);
    const { body: deal } = await apiPost(p, '/api/deals/create', { title: `Won ${unique()}`, value: '1200' });
    await apiPost(p, '/api/deals/won', { id: deal.id });

    await p.goto('/');
    const won = page.locator('a.stat').filter({ hasText: 'Won this month' });
    assert.match(await won.innerText(), /USD 1,200\.00/);

    await p.goto('/analytics');
    const chart = page.getByRole('img', { name: /^Revenue by month\./ });
    await chart.waitFor();
    const month = new Date().toLocaleString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' }).replace(',', '');
    assert.match(await chart.getAttribute('aria-label'), new RegExp(`${month}: USD 1,200\\.00`), 'this month has the deal');
    assert.ok(await page.getByRole('img', { name: /^Sales funnel/ }).isVisible(), 'the funnel is drawn');
    await page.getByText('Show the figures').first().click();
    assert.ok(await page.getByRole('cell', { name: 'USD 1,200.00' }).first().isVisible(), 'the figures as a table');

    await p.settle();
    await page.getByLabel('Revenue by', { exact: true }).selectOption('day');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/period=day/);
    await page.getByRole('img', { name: /^Revenue by day\./ }).waitFor();
    await p.settle();

    // With a second pipeline, the funnel's pipeline is chosen on the page (and kept in the URL).
    const name = `Partners ${unique()}`;
    const { body: pipeline } = await apiPost(p, '/api/pipelines/create', { name });
    await apiPost(p, '/api/deals/create', { title: `Partner deal ${unique()}`, value: '300', pipeline_id: pipeline.id });
    await p.goto('/analytics?period=day');
    await page.getByRole('img', { name: /^Sales funnel: Sales pipeline/ }).waitFor();
    await p.settle();
    await page.getByLabel('Funnel of').selectOption({ label: name });
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(new RegExp(`pipeline_id=${pipeline.id}`));
    const funnel = page.getByRole('img', { name: new RegExp(`^Sales funnel: ${name}`) });
    await funnel.waitFor();
    assert.match(await funnel.getAttribute('aria-label'), /, Lead: 1 · USD 300\.00/, 'the partner deal is in its first stage');
    await page.reload();
    await funnel.waitFor();
    assert.equal(await page.getByLabel('Funnel of').locator('option:checked').innerText(), name, 'the choice survives a reload');
    await p.settle();
    p.assertNoConsoleErrors({ where: 'analytics' });
  });
});
