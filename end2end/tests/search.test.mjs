// One search box for everything: "/" puts the cursor in the header's box, Enter opens /search
// with the results grouped by kind, a result opens its record; without JavaScript the box is a
// plain GET form to the same page.

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
      if (javaScriptEnabled) p.assertNoConsoleErrors({ where: 'after searching' });
    });
  });
}
