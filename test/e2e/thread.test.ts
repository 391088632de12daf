import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
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

describe('a blog on another origin with the two-line embed', () => {
  const dir = tempDir();
  let server: RunningServer;
  let blog: { origin: string; server: Server };
  let browser: Browser;

  before(async () => {
    const port = await freePort();
    const serverUrl = `http://127.0.0.1:${port}`;
    blog = await startBlog(examplePage(serverUrl, 'garden'));
    const env = { CONFAB_DB: join(dir.path, 'confab.sqlite') };
    confab(['site', 'add', 'garden', '--origin', blog.origin], env);
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

  async function open(path: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${blog.origin}${path}`);
    return { page, errors };
  }

  it('reads an empty thread, posts a comment and a reply, and both survive a reload', async () => {
    const { page, errors } = await open('/2026/03/tomatoes/');
    await page.getByText('Be the first to comment').waitFor();

    await page.getByRole('textbox', { name: 'Name' }).fill('Ada');
    await page.getByRole('textbox', { name: 'Email' }).fill('ada@example.com');
    await page.getByRole('textbox', { name: 'Comment' }).fill('Single stems *every* year for me.');
    await page.getByRole('button', { name: 'Post Comment' }).click();
    await page.locator('em', { hasText: 'every' }).waitFor();

    await page.getByRole('button', { name: 'Reply' }).first().click();
    const name = page.getByRole('textbox', { name: 'Name' }).first();
    await name.fill('Tomás');
    await page.getByRole('textbox', { name: 'Comment' }).first().fill('Even the cherry ones?');
    await page.getByRole('button', { name: 'Post Comment' }).first().click();
    await page.getByText('Even the cherry ones?').waitFor();

    await page.reload();
    await page.getByText('Even the cherry ones?').waitFor();
    assert.equal(await page.getByText('Single stems').count(), 1);
    await page.getByRole('heading', { name: /^2 comments on/ }).waitFor();
    // The reply is rendered inside its parent's list item, one level in.
    const nested = page.locator(
      'li:has(> confab-comment:has-text("Single stems")) > ul > li > confab-comment:has-text("Even the cherry ones?")',
    );
    assert.equal(await nested.count(), 1);
    assert.deepEqual(errors, []);
  });

  it('keeps a hostile comment inert', async () => {
    const { page, errors } = await open('/2026/03/hostile/');
    await page.getByText('Be the first to comment').waitFor();
    const payload = [
      '<img src=x onerror="window.__pwned = 1">',
      '[click me](javascript:window.__pwned=2)',
      '<svg/onload=window.__pwned=3>',
      '`<script>window.__pwned=4</script>`',
    ].join('\n\n');
    await page
      .getByRole('textbox', { name: 'Name' })
      .fill('Guest</a><img src=x onerror="window.__pwned=5">');
    await page.getByRole('textbox', { name: 'Comment' }).fill(payload);
    await page.getByRole('button', { name: 'Post Comment' }).click();
    await page.getByText('click me').waitFor();
    await page.reload();
    const link = page.getByText('click me');
    await link.waitFor();
    await link.click();
    assert.equal(
      await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
      undefined,
    );
    const count = await page.evaluate(() => {
      const roots: (Document | ShadowRoot)[] = [document];
      let found = 0;
      while (roots.length > 0) {
        const root = roots.pop();
        if (root === undefined) break;
        for (const el of root.querySelectorAll('*')) {
          if (el.shadowRoot !== null) roots.push(el.shadowRoot);
          if (
            ['IMG', 'SVG', 'SCRIPT', 'IFRAME'].includes(el.tagName.toUpperCase()) &&
            el.closest('confab-thread, confab-comment') !== null
          )
            found++;
          if ([...el.attributes].some((a) => a.name.startsWith('on'))) found++;
        }
      }
      return found;
    });
    assert.equal(count, 0);
    await page.getByText('Guest</a><img src=x onerror="window.__pwned=5">').waitFor();
    assert.deepEqual(errors, []);
  });
});

describe('npm start: the demo', () => {
  const dir = tempDir();
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    const port = await freePort();
    server = await startConfab(
      [
        '--demo',
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--public-url',
        `http://localhost:${port}`,
      ],
      {
        CONFAB_DB: join(dir.path, 'demo.sqlite'),
      },
    );
    browser = await launchBrowser();
  });

  after(async () => {
    await browser.close();
    await server.stop();
    dir.remove();
  });

  it('shows the sample post with a seeded thread a newcomer can reply to', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/`);
    await page.getByText('Leaf mould it is').waitFor();
    await page
      .getByRole('heading', { name: '4 comments on “Notes from a small garden”' })
      .waitFor();
    await page.getByRole('button', { name: 'Reply' }).last().click();
    await page.getByRole('textbox', { name: 'Name' }).first().fill('Newcomer');
    await page.getByRole('textbox', { name: 'Comment' }).first().fill('Hello from the demo');
    await page.getByRole('button', { name: 'Post Comment' }).first().click();
    await page.getByText('Hello from the demo').waitFor();
    await page.reload();
    await page.getByText('Hello from the demo').waitFor();
    assert.deepEqual(errors, []);
  });
});
