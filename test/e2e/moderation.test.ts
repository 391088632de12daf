/**
 * The moderation story in Chromium, against the built server (`npm run build` first): on a
 * `first-time` site a guest's comment waits for review, only its author sees it, a moderator
 * approves it in `/admin`, and then everyone sees it and the count moves. Then a pinned
 * comment stays on top in every sort, and a locked thread's form says comments are closed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  confab,
  freePort,
  launchBrowser,
  startConfab,
  tempDir,
  watchErrors,
  type RunningServer,
} from './harness.js';

/** A blog post on the demo site's origin with its thread and, above it, its count. */
const blogPage = (server: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>A moderated post</title><link rel="icon" href="data:,"></head>
<body>
<h1>A moderated post</h1>
<p>Talk: <confab-count site="demo" thread="/blog/moderated/">Comments</confab-count></p>
<script type="module" src="${server}/confab.js"></script>
<confab-thread site="demo"></confab-thread>
</body>
</html>`;

const POST = '/blog/moderated/';
const GUEST_TEXT = 'First time here: lovely raised beds!';

describe('moderating a first-time guest’s comment from /admin', () => {
  const dir = tempDir();
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[][] = [];
  /** Every URL the blog's pages asked for. */
  const blogRequests: string[] = [];

  before(async () => {
    const port = await freePort();
    const args = [
      '--demo',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--public-url',
      `http://127.0.0.1:${port}`,
    ];
    const env = { CONFAB_DB: join(dir.path, 'demo.sqlite') };
    // The first start seeds the demo site (and its conversation, published); then the site
    // holds first-time commenters, as a blogger would set it.
    const first = await startConfab(args, env);
    await first.stop();
    confab(['site', 'update', 'demo', '--moderation', 'first-time'], env);
    server = await startConfab(args, env);
    browser = await launchBrowser();
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser.close();
    await server.stop();
    dir.remove();
  });

  /** A reader of their own (own storage), with the blog post served on the demo's origin. */
  async function reader(path = POST): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    await context.route(`${server.url}/blog/**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: blogPage(server.url) }),
    );
    const page = await context.newPage();
    errors.push(watchErrors(page));
    page.on('request', (request) => blogRequests.push(request.url()));
    await page.goto(`${server.url}${path}`);
    return page;
  }

  /** Waits until the post's `<confab-count>` says `text` (its shadow root holds only the text). */
  const countSays = (page: Page, text: string) =>
    page.waitForFunction(
      (t) => document.querySelector('confab-count')?.shadowRoot?.textContent.trim() === t,
      text,
    );

  let guest: Page;
  let other: Page;
  let admin: Page;

  it('holds a guest’s first comment: its author is told, nobody else sees or counts it', async () => {
    guest = await reader();
    await guest.getByText('Be the first to comment').waitFor();
    await guest.getByRole('textbox', { name: 'Name' }).fill('Newcomer Nia');
    await guest.getByRole('textbox', { name: 'Comment' }).fill(GUEST_TEXT);
    // As long as a person takes to write it: the site refuses forms sent sooner than
    // DEFAULT_MIN_FILL_SECONDS (3) after the reader started (the widget would retry).
    await guest.waitForTimeout(3500);
    await guest.getByRole('button', { name: 'Post Comment' }).click();
    await guest.getByText('This comment is awaiting moderation.').first().waitFor();
    await guest.getByText(GUEST_TEXT).waitFor();

    other = await reader();
    await other.getByText('Be the first to comment').waitFor();
    assert.equal(await other.getByText(GUEST_TEXT).count(), 0, 'held: not shown to others');
    await countSays(other, '0 comments');
  });

  it('lets a moderator sign in at /admin and approve it in the queue', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    admin = await context.newPage();
    errors.push(watchErrors(admin));
    await admin.goto(`${server.url}/admin`);
    await admin.getByRole('textbox', { name: 'Site' }).fill('demo');
    await admin.getByRole('button', { name: 'Show sign-in methods' }).click();
    const popupOpened = admin.waitForEvent('popup');
    await admin.getByRole('button', { name: 'Demo (this server only)' }).click();
    const popup = await popupOpened;
    await popup.getByRole('textbox', { name: 'Name' }).fill('admin');
    await popup.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByText('Signed in as admin, owner').waitFor();

    const pending = admin.getByRole('tab', { name: /^Pending \(\d+\)$/ });
    await pending.waitFor();
    assert.equal(await pending.getAttribute('aria-selected'), 'true');
    const row = admin.locator('confab-admin-comment', { hasText: GUEST_TEXT });
    await row.getByText('Newcomer Nia').waitFor();
    await row.getByRole('button', { name: 'Approve' }).click();
    await admin.getByRole('status').getByText('Approved 1 comment.').waitFor();
    await row.waitFor({ state: 'detached' }); // it left the pending queue
  });

  it('shows the approved comment to everyone, and counts it', async () => {
    await guest.reload();
    await guest.getByText(GUEST_TEXT).waitFor();
    assert.equal(await guest.getByText('This comment is awaiting moderation.').count(), 0);
    await other.reload();
    await other.getByText(GUEST_TEXT).waitFor();
    await countSays(other, '1 comment');
  });

  it('keeps a pinned comment on top in every sort', async () => {
    await admin.getByRole('tab', { name: /^Published/ }).click();
    const priya = admin.locator('confab-admin-comment', { hasText: 'I felt this' });
    await priya.getByRole('button', { name: 'Pin' }).click();
    await admin.getByRole('status').getByText('Pinned 1 comment.').waitFor();

    // The demo post: Tomás wrote first, Priya last; nobody has voted.
    const demo = await reader('/');
    for (const sort of ['Oldest', 'Newest', 'Top']) {
      await demo.getByRole('combobox', { name: 'Sort comments' }).selectOption({ label: sort });
      await demo.getByText('I felt this').waitFor();
      const first = demo.locator('confab-comment').first();
      await first.getByText('I felt this').waitFor();
    }
    await demo.reload();
    await demo.locator('confab-comment').first().getByText('I felt this').waitFor();
  });

  it('locks the thread from /admin, and the blog’s form says comments are closed', async () => {
    const row = admin.locator('confab-admin-comment', { hasText: GUEST_TEXT });
    await row.getByRole('button', { name: 'Lock thread' }).click();
    await admin.getByRole('status').getByText('Locked the thread').waitFor();
    await other.reload();
    await other.getByText(GUEST_TEXT).waitFor();
    await other.getByText('Comments are closed.').first().waitFor();
  });

  it('bans an author and lifts the ban, keeps an audit log, and saves settings', async () => {
    await admin.getByRole('tab', { name: /^Published/ }).click();
    const row = admin.locator('confab-admin-comment', { hasText: GUEST_TEXT });
    await row.getByRole('button', { name: 'Ban author' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Ban Newcomer Nia' });
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('Testing bans');
    await dialog.getByRole('combobox', { name: 'For how long' }).selectOption({ label: '1 day' });
    await dialog.getByRole('button', { name: 'Ban' }).click();
    await admin.getByRole('status').getByText('Newcomer Nia is banned until').waitFor();
    await row.getByText('banned', { exact: true }).waitFor();

    await admin.getByRole('button', { name: 'Bans' }).click();
    await admin.getByRole('cell', { name: 'Testing bans' }).first().waitFor();
    const lifts = admin.getByRole('button', { name: /^Lift the ban on Newcomer Nia/ });
    // A guest is banned by address and by email: two bans, lifted one after the other (wait
    // for each to leave the list before the next click, or the click may hit a stale row).
    for (let left = await lifts.count(); left > 0; left--) {
      await lifts.first().click();
      for (let tries = 0; (await lifts.count()) >= left; tries++) {
        assert.ok(tries < 100, 'the lifted ban leaves the list');
        await admin.waitForTimeout(100);
      }
    }
    await admin.getByRole('status').getByText('Lifted the ban on Newcomer Nia.').waitFor();
    await admin.getByText('Nobody is banned.').waitFor();

    await admin.getByRole('button', { name: 'Audit log' }).click();
    await admin.getByRole('heading', { name: 'Audit log' }).waitFor();
    await admin.locator('confab-admin-audit li').first().waitFor();
    assert.ok(
      (await admin.locator('confab-admin-audit li').count()) >= 4,
      'approve, pin, lock, ban',
    );

    await admin.getByRole('button', { name: 'Settings' }).click();
    const links = admin.getByRole('spinbutton', { name: 'Most links before a comment is held' });
    await links.fill('7');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin.getByRole('status').getByText('Settings saved.').waitFor();
    await admin.reload();
    await admin.getByRole('button', { name: 'Settings' }).click();
    assert.equal(await links.inputValue(), '7');
    assert.deepEqual(errors.flat(), []);
    assert.deepEqual(
      blogRequests.filter((url) => url.includes('/admin')),
      [],
      'blog pages never load the admin app',
    );
  });
});
