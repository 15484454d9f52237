// One search box for everything: "/" puts the cursor in the header's box, Enter opens /search
// with the results grouped by kind, a result opens its record; with JavaScript the box also
// lists matches as you type, chosen with the arrow keys and Enter; without JavaScript the box
// is a plain GET form to the same page.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { apiPost, closeBrowser, signUp, unique, withPage } from './helpers.mjs';

after(closeBrowser);

for (const javaScriptEnabled of [true, false]) {
  test(`search: the header's box finds a customer and a deal ${javaScriptEnabled ? 'with' : 'without'} JavaScript`, async (t) => {
    await withPage(t, { name: `search-${javaScriptEnabled ? 'js' : 'nojs'}`, javaScriptEnabled }, async (p) => {
      const page = p.page;
      await signUp(p);
      const tag = unique();
      const { body: customer } = await apiPost(p, '/api/customers/create', { name: `Zephyr ${tag} GmbH` });
      await apiPost(p, '/api/deals/create', { title: `Zephyr ${tag} rollout`, customer_id: String(customer.id), value: '4800' });

      await p.goto('/customers');
      const box = page.locator('#global-search');
      if (javaScriptEnabled) {
        await page.locator('body').press('/');
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'global-search', '"/" focuses the box');
        await page.keyboard.type(`zephyr ${tag}`);
      } else {
        await box.fill(`zephyr ${tag}`);
      }
      await box.press('Enter');
      await page.waitForURL(/\/search\?q=zephyr/);
      const customers = page.getByRole('region', { name: 'Customers' });
      const deals = page.getByRole('region', { name: 'Deals' });
      await customers.getByRole('link', { name: `Zephyr ${tag} GmbH` }).waitFor();
      assert.match(await deals.innerText(), new RegExp(`Zephyr ${tag} rollout[\\s\\S]*USD 4,800\\.00`));
      await customers.getByRole('link', { name: `Zephyr ${tag} GmbH` }).click();
      await page.waitForURL(new RegExp(`/customers/${customer.id}$`));
      if (!javaScriptEnabled) return;

      // Matches as you type: the arrow keys choose, Enter opens the chosen record.
      await page.keyboard.press('Control+K');
      await page.keyboard.type(`zephyr ${tag}`);
      const matches = page.getByRole('listbox', { name: 'Matches' });
      await matches.getByRole('option').filter({ hasText: `Zephyr ${tag} rollout` }).waitFor();
      const options = await matches.getByRole('option').allTextContents();
      assert.ok(options[0].startsWith(`Zephyr ${tag} GmbH`) && options[0].includes('Customers'), options.join(' | '));
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      assert.equal(await page.locator('#global-search').getAttribute('aria-activedescendant'), 'global-search-option-1');
      assert.equal(await matches.getByRole('option', { selected: true }).textContent(), options[1]);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/deals\/\d+$/);
      await page.getByRole('heading', { level: 1 }).filter({ hasText: `Zephyr ${tag} rollout` }).waitFor();
      assert.equal(await page.getByRole('listbox', { name: 'Matches' }).count(), 0, 'the list closes');
      p.assertNoConsoleErrors({ where: 'after searching' });
    });
  });
}
