/**
 * "Email me a sign-in link" in Chromium, against the built server and a real SMTP server
 * on 127.0.0.1: the reader clicks the button in the widget on a blog of another origin,
 * types their address in the popup, opens the link from the mail in the same browser,
 * presses the button there, and is back on the blog signed in; they post, and "Notify me"
 * goes to their verified address at once, without a confirmation mail.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startInbox, type Inbox } from '../server/support/smtp.js';
import {
  confab,
  examplePage,
  freePort,
  launchBrowser,
  startBlog,
  startConfab,
  tempDir,
  watchErrors,
  type RunningServer,
} from './harness.js';

describe('a reader signs in with an emailed link', () => {
  const dir = tempDir();
  let server: RunningServer;
  let blog: { origin: string; server: Server };
  let browser: Browser;
  let inbox: Inbox;

  before(async () => {
    const port = await freePort();
    const serverUrl = `http://127.0.0.1:${port}`;
    inbox = await startInbox();
    blog = await startBlog(examplePage(serverUrl, 'garden'));
    const env = { CONFAB_DB: join(dir.path, 'confab.sqlite'), CONFAB_SMTP_URL: inbox.url };
    confab(['site', 'add', 'garden', '--origin', blog.origin, '--min-fill', 'off'], env);
    server = await startConfab(
      ['--port', String(port), '--host', '127.0.0.1', '--public-url', serverUrl],
      env,
    );
    browser = await launchBrowser();
  });

  after(async () => {
    await browser.close();
    await server.stop();
    blog.server.close();
    await inbox.stop();
    dir.remove();
  });

  it('from the widget’s button to a posted comment, the mail read from the SMTP server', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${blog.origin}/2026/03/tomatoes/`);
    await page.getByText('Please log in using one of these methods').waitFor();
    const popupOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    const popup = await popupOpened;
    const popupErrors = watchErrors(popup);
    await popup.getByRole('textbox', { name: 'Email address' }).fill('rosa@garden.example');
    await popup.getByRole('textbox', { name: 'Your name' }).fill('Rosa');
    await popup.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await popup.getByText('We sent a sign-in link and a code to r•••@garden.example').waitFor();

    const mail = await inbox.waitFor('rosa@garden.example', 1);
    const link = /https?:\/\/\S+\/auth\/email\/link\?t=[\w-]+/.exec(mail.text ?? '')?.[0];
    assert.ok(link, `a link in:\n${mail.text ?? ''}`);

    // The reader's mail client opens the link in this browser, in a tab of its own.
    const tab = await context.newPage();
    await tab.goto(link);
    await tab.getByText('Sign in to comment on garden as r•••@garden.example.').waitFor();
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByText('You are signed in to comment on garden').waitFor();

    await page.getByText('You are commenting using your r•••@garden.example account').waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Name' }).count(), 0);
    await page.getByRole('checkbox', { name: 'Notify me of new comments via email' }).check();
    await page.getByText('Email: r•••@garden.example').waitFor();
    assert.equal(
      await page.getByRole('textbox', { name: 'Email' }).count(),
      0,
      'no address is asked: the verified one is used',
    );
    await page.getByRole('textbox', { name: 'Comment' }).fill('Signed in by email.');
    await page.getByRole('button', { name: 'Post Comment' }).click();
    await page
      .locator('confab-comment', { hasText: 'Signed in by email.' })
      .getByText('Rosa')
      .waitFor();
    assert.equal(
      await page.getByText('We sent you an email').count(),
      0,
      'no confirmation to wait for',
    );
    assert.deepEqual(
      inbox.to('rosa@garden.example').map((m) => m.subject),
      ['Sign in to comment on garden'],
      'no confirmation mail: the address is verified',
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(popupErrors, []);
    await context.close();
  });
});
