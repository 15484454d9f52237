// Mail through a real SMTP server (maildev, which scripts/test.sh starts; the server under test
// gets SMTP_URL, this test TEST_MAILDEV_URL):
// - "Forgot your password?" sends a link, the link opens the reset page, the new password signs
//   in and the old one no longer does;
// - an email written on a customer's page, from a template, with and without JavaScript,
//   arrives with the template's variables filled in, and the timeline shows it sent.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { BASE_URL, closeBrowser, createCustomerViaForm, PASSWORD, signUp, unique, withPage } from './helpers.mjs';

after(closeBrowser);

const MAILDEV = (process.env.TEST_MAILDEV_URL || '').replace(/\/+$/, '');

/** The mail maildev received for `address` (waits for it up to 15 s). */
async function mailTo(address) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const all = await (await fetch(`${MAILDEV}/api/email`)).json();
    const mine = all.filter((m) => m.to.some((to) => to.address === address));
    if (mine.length > 0 || Date.now() > deadline) return mine;
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('mail: a forgotten password is reset by the link in the mail', { skip: !MAILDEV && 'TEST_MAILDEV_URL is not set' }, async (t) => {
  await withPage(t, { name: 'mail-reset' }, async (p) => {
    const page = p.page;
    const account = await signUp(p);
    await p.context.clearCookies();

    await p.goto('/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL(/\/forgot-password$/);
    await page.getByLabel('Email').fill(account.email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByRole('status').filter({ hasText: 'a link to choose a new password is on its way' }).waitFor();

    const mails = await mailTo(account.email);
    assert.equal(mails.length, 1, `one mail to ${account.email}: ${JSON.stringify(mails.map((m) => m.subject))}`);
    const [mail] = mails;
    assert.equal(mail.subject, 'Reset your Too Good CRM password');
    const link = mail.text.match(/https?:\/\/\S+\/reset-password\?token=\S+/)?.[0];
    assert.ok(link, `a reset link in the text part: ${mail.text}`);
    assert.ok(mail.html.includes(`href="${link}"`), `the same link in the HTML part: ${mail.html}`);
    assert.ok(link.startsWith(BASE_URL), `the link points at the app (${BASE_URL}): ${link}`);

    await p.goto(new URL(link).pathname + new URL(link).search);
    await page.getByLabel('New password (8+ characters)').fill('a-new-password-42');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.waitForURL(/\/login\?reset=1$/);
    await page.getByRole('status').filter({ hasText: 'Your password was changed' }).waitFor();

    // The old password is refused, the new one signs in.
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'invalid email or password' }).waitFor();
    p.takeExpectedConsoleErrors(/status of 401/);
    await page.getByLabel('Password').fill('a-new-password-42');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${BASE_URL}/`);
    await page.getByRole('heading', { level: 1, name: `Welcome back, ${account.firstName}` }).waitFor();
    p.assertNoConsoleErrors({ where: 'after the reset' });
  });
});

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  test(`mail: an email from a customer's page, started from a template, ${how}`, { skip: !MAILDEV && 'TEST_MAILDEV_URL is not set' }, async (t) => {
    await withPage(t, { name: `mail-record-${javaScriptEnabled ? 'js' : 'nojs'}`, javaScriptEnabled }, async (p) => {
      const page = p.page;
      const account = await signUp(p);
      const tag = unique();

      // A template with a variable.
      await p.goto('/settings/templates');
      await page.locator('#f-name').fill(`Welcome ${tag}`);
      await page.locator('#f-subject').fill('Welcome, {{customer.name}}');
      await page.locator('#f-body').fill('Dear {{customer.name}},\n\nthank you. **See you soon.**\n\n{{user.first_name}}');
      await page.getByRole('button', { name: 'Save template' }).click();
      await page.waitForURL(/\/settings\/templates\/\d+$/);
      await page.getByRole('heading', { level: 1, name: `Welcome ${tag}` }).waitFor();

      const address = `buyer.${tag}@example.test`;
      await p.goto('/customers/new');
      const id = await createCustomerViaForm(p, { name: `Mia ${tag}`, email: address });

      // Choose the template: the draft comes back filled in for this customer.
      await page.getByText('Send email…').click();
      await page.locator('#email-template').selectOption({ label: `Welcome ${tag}` });
      await page.getByRole('button', { name: 'Use template' }).click();
      await page.waitForURL(new RegExp(`/customers/${id}\\?template=\\d+$`));
      await page.locator('#email-subject').and(page.locator(`[value="Welcome, Mia ${tag}"]`)).waitFor();
      assert.equal(await page.locator('#email-to').inputValue(), address);
      assert.match(await page.locator('#email-body').inputValue(), new RegExp(`^Dear Mia ${tag},`));
      await page.locator('#email-cc').fill(`boss.${tag}@example.test`);
      await page.getByRole('button', { name: 'Send email' }).click();
      await page.waitForURL(new RegExp(`/customers/${id}$`));

      const mails = await mailTo(address);
      assert.equal(mails.length, 1, `one mail to ${address}`);
      const [mail] = mails;
      assert.equal(mail.subject, `Welcome, Mia ${tag}`);
      assert.equal(mail.cc[0].address, `boss.${tag}@example.test`);
      const source = await (await fetch(`${MAILDEV}/api/email/${mail.id}/source`)).text();
      assert.ok(source.includes(`\nReply-To: ${account.email}`), source);
      assert.ok(mail.html.includes('<strong>See you soon.</strong>'), mail.html);
      assert.ok(mail.text.includes(account.firstName), mail.text);

      // The timeline logs it; once the worker has sent it, it says so.
      const entry = page.locator('ol.timeline li').filter({ hasText: `Welcome, Mia ${tag}` });
      await entry.waitFor();
      // (maildev has it; the worker records "sent" just after.)
      for (let i = 0; i < 10 && (await entry.filter({ hasText: 'Email sent' }).count()) === 0; i++) {
        await page.waitForTimeout(300);
        await page.reload();
      }
      await entry.filter({ hasText: 'Email sent' }).waitFor();
      if (javaScriptEnabled) p.assertNoConsoleErrors({ where: 'after sending' });
    });
  });
}
