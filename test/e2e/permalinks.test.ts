/**
 * Permalinks end to end: a blog page opened on `#comment-<id>` of an old reply five deep,
 * on a page of the thread that the first load would not show, against the built server
 * in Chromium. One request (`around=`) brings its page; the reply is highlighted, in
 * view and focused, and "Load more comments" goes on from there.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
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

const THREAD = '/2026/03/long-post/';

describe('a permalink to an old, deep reply', () => {
  const dir = tempDir();
  let server: RunningServer;
  let serverUrl: string;
  let blog: { origin: string; server: Server };
  let browser: Browser;

  before(async () => {
    const port = await freePort();
    serverUrl = `http://127.0.0.1:${port}`;
    // Newest first: the oldest comments are the thread's last pages.
    const page = examplePage(serverUrl, 'garden').replace(
      '<confab-thread site="garden">',
      '<confab-thread site="garden" sort="newest">',
    );
    assert.ok(page.includes('sort="newest"'));
    blog = await startBlog(page);
    const env = { CONFAB_DB: join(dir.path, 'confab.sqlite') };
    confab(
      ['site', 'add', 'garden', '--origin', blog.origin, '--min-fill', 'off'].concat([
        '--rate-limit',
        'off',
        '--thread-rate-limit',
        'off',
      ]),
      env,
    );
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
    dir.remove();
  });

  /** A guest's comment, through the API as their browser would send it. */
  async function post(body: string, parentId?: string): Promise<string> {
    const response = await fetch(`${serverUrl}/api/v1/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: blog.origin },
      body: JSON.stringify({
        site: 'garden',
        thread: THREAD,
        parentId,
        body,
        author: { name: `Reader ${body.slice(0, 12)}`, email: 'reader@example.com' },
      }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    return ((await response.json()) as { comment: { id: string } }).comment.id;
  }

  it('opens the page that holds it, highlighted, in view and focused', async () => {
    const tops: string[] = [];
    for (let i = 0; i < 120; i++) tops.push(await post(`Comment number ${String(i)} on the post`));
    // Newest first, comment 60 is the 60th: the second page.
    let deep = tops[60] ?? assert.fail();
    for (let depth = 1; depth <= 5; depth++) {
      deep = await post(`An answer at depth ${String(depth)}, deep down`, deep);
    }

    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors = watchErrors(page);
    const reads: URL[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/v1/threads') reads.push(url);
    });
    await page.goto(`${blog.origin}${THREAD}#comment-${deep}`);

    const highlighted = page.locator('confab-comment[highlighted]');
    await highlighted.waitFor();
    assert.match(await highlighted.locator('[part=body]').innerText(), /depth 5, deep down/);
    assert.equal(await highlighted.getAttribute('id'), `comment-${deep}`);
    // One request brings its page; live updates, once connected, read that same page again
    // to catch up (never the first page instead).
    assert.equal(reads[0]?.searchParams.get('around'), deep);
    assert.ok(reads.length <= 2, `${String(reads.length)} reads`);
    assert.ok(reads.every((u) => u.searchParams.get('around') === deep));
    // In view and focused once the scroll has ended.
    await page.waitForFunction(
      (id) => {
        const thread = document.querySelector('confab-thread')?.shadowRoot;
        const el = thread?.getElementById(`comment-${id}`);
        if (!el) return false;
        const box = el.getBoundingClientRect();
        const focused = el.shadowRoot?.activeElement?.localName === 'article';
        return focused && box.top >= 0 && box.top + Math.min(box.height, 50) <= innerHeight;
      },
      deep,
      { polling: 100 },
    );
    // The highlight is a shape, not a colour only.
    const outline = await highlighted.evaluate(
      (el) => getComputedStyle(el.shadowRoot!.querySelector('article')!).outlineStyle,
    );
    assert.equal(outline, 'solid');
    // The first load would have shown the 50 newest; this page starts at the old comment.
    assert.equal(await page.getByText('Comment number 119 on the post').count(), 0);
    assert.equal(await page.getByText('Comment number 60 on the post').count(), 1);
    await page.getByRole('button', { name: 'Load more comments' }).click();
    await page.getByText('Comment number 0 on the post').waitFor();
    assert.ok(reads.at(-1)?.searchParams.has('cursor'));
    assert.deepEqual(errors, []);
  });
});
