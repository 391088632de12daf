/**
 * Live updates end to end: two readers in their own Chromium windows on one post, against
 * the built server. What one writes, replies, edits and deletes shows in the other's
 * thread without a reload (new top-level comments behind "1 new comment — show", a reply
 * under the comment it answers, a vote, a like, an edit and a deletion in place), and a
 * window that lost its connection catches up on what it missed once it is back. The server
 * believes its loopback proxy, so the other guest, Ivy, writes from an address of her own
 * (a guest may not vote on what was written from their own address).
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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

const THREAD = '/2026/04/live-post/';

describe('two readers on one thread, live', () => {
  const dir = tempDir();
  let server: RunningServer;
  let serverUrl: string;
  let blog: { origin: string; server: Server };
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    const port = await freePort();
    serverUrl = `http://127.0.0.1:${port}`;
    blog = await startBlog(examplePage(serverUrl, 'garden'));
    const env = { CONFAB_DB: join(dir.path, 'confab.sqlite') };
    confab(
      [
        'site',
        'add',
        'garden',
        '--origin',
        blog.origin,
        '--min-fill',
        'off',
        '--rate-limit',
      ].concat(['off']),
      env,
    );
    server = await startConfab(
      ['--port', String(port), '--host', '127.0.0.1', '--public-url', serverUrl].concat([
        '--trust-proxy',
        '127.0.0.1',
      ]),
      env,
    );
    browser = await launchBrowser();
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser.close();
    await server.stop();
    blog.server.close();
    dir.remove();
  });

  /** A guest's comment through the API, as another reader's browser would send it. */
  async function post(body: string): Promise<void> {
    const response = await fetch(`${serverUrl}/api/v1/comments`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Origin: blog.origin,
        'X-Forwarded-For': '203.0.113.7',
      },
      body: JSON.stringify({ site: 'garden', thread: THREAD, body, author: { name: 'Ivy' } }),
    });
    assert.equal(response.status, 201, await response.clone().text());
  }

  /** A reader of their own (own storage, own edit tokens) with the post open. */
  async function reader(): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const errors = watchErrors(page);
    page.on('dialog', (dialog) => {
      void dialog.accept();
    });
    // Its live stream is open once the thread is on screen and the stream's chunk loaded.
    const streaming = page.waitForResponse((r) => r.url().includes('/api/v1/stream?'));
    await page.goto(`${blog.origin}${THREAD}`);
    await page.getByText('The first word on the post').waitFor();
    assert.equal((await streaming).status(), 200);
    return { page, context, errors };
  }

  /** The text of the reader's thread, as they see it. */
  const thread = (page: Page) => page.locator('confab-thread');

  it('shows what the other writes, edits and deletes, without a reload', async () => {
    await post('The first word on the post');
    const writer = await reader();
    const watcher = await reader();
    const seen = thread(watcher.page);

    const w = writer.page;
    await w.getByRole('textbox', { name: 'Name' }).last().fill('Ada');
    await w.getByRole('textbox', { name: 'Comment' }).last().fill('A second thought, live');
    await w.getByRole('button', { name: 'Post Comment' }).last().click();
    await w.getByText('A second thought, live').waitFor();

    // A new top-level comment waits behind a button: the page does not jump.
    const show = watcher.page.getByRole('button', { name: '1 new comment — show' });
    await show.waitFor();
    assert.equal(await seen.getByText('A second thought, live').count(), 0);
    await show.click();
    await seen.getByText('A second thought, live').waitFor();
    await watcher.page.getByRole('heading', { name: /^2 comments on/ }).waitFor();

    // A reply to a comment on screen appears under it at once.
    await w.getByRole('button', { name: 'Reply' }).first().click();
    await w.getByRole('textbox', { name: 'Name' }).first().fill('Ada');
    await w.getByRole('textbox', { name: 'Comment' }).first().fill('And an answer to Ivy');
    await w.getByRole('button', { name: 'Post Comment' }).first().click();
    await seen.getByText('And an answer to Ivy').waitFor();
    await watcher.page.getByRole('heading', { name: /^3 comments on/ }).waitFor();

    // A vote on Ivy's comment and a like of the post: the watcher's counts move in place.
    const first = (page: Page) =>
      page.locator('confab-comment', { hasText: 'The first word on the post' }).first();
    await first(w).getByRole('button', { name: 'Vote up' }).first().click();
    await first(watcher.page).locator('[part=score]').first().filter({ hasText: /^1$/ }).waitFor();
    await w.getByRole('button', { name: 'Like', exact: true }).click();
    await watcher.page.getByText('One reader likes this').waitFor();

    // The writer edits their comment: the watcher's copy changes in place.
    const mine = w.locator('confab-comment', { hasText: 'A second thought, live' });
    await mine.getByRole('button', { name: 'Edit' }).click();
    await w.getByRole('textbox', { name: 'Comment' }).first().fill('A second thought, edited');
    await w.getByRole('button', { name: 'Save' }).click();
    await seen.getByText('A second thought, edited').waitFor();
    assert.equal(await seen.getByText('A second thought, live').count(), 0);

    // And deletes it: it leaves the watcher's thread too.
    await w
      .locator('confab-comment', { hasText: 'A second thought, edited' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await w.getByText('Your comment was deleted.').waitFor();
    await seen.getByText('A second thought, edited').waitFor({ state: 'detached' });
    await watcher.page.getByRole('heading', { name: /^2 comments on/ }).waitFor();

    // Offline a while: what was posted meanwhile arrives once the connection is back.
    await watcher.context.setOffline(true);
    await post('Written while the watcher was away');
    await post('And a second one meanwhile');
    await watcher.context.setOffline(false);
    await watcher.page.getByRole('button', { name: '2 new comments — show' }).click();
    await seen.getByText('Written while the watcher was away').waitFor();
    await seen.getByText('And a second one meanwhile').waitFor();
    assert.equal(await seen.getByText('Written while the watcher was away').count(), 1);
    await watcher.page.getByRole('heading', { name: /^4 comments on/ }).waitFor();

    assert.deepEqual(writer.errors, []);
    assert.deepEqual(watcher.errors, []);
  });
});
