/**
 * The guest spam guard in Chromium, against the built server: on a site that asks guests for
 * a proof of work and a minimum fill time, a real reader just types and posts (the widget
 * solves the work in the background and waits for the fill time itself), while a script that
 * skips the guard, fills the honeypot or replays a used guard is refused.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { solveChallenge } from 'altcha-lib/v1';
import type { Browser, BrowserContext } from 'playwright-core';
import type { GuardResponse } from '../../server/contract.js';
import {
  confab,
  freePort,
  launchBrowser,
  startConfab,
  tempDir,
  watchErrors,
  type RunningServer,
} from './harness.js';

const POST = '/blog/guarded/';

const blogPage = (server: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>A guarded post</title><link rel="icon" href="data:,"></head>
<body>
<h1>A guarded post</h1>
<script type="module" src="${server}/confab.js"></script>
<confab-thread site="demo"></confab-thread>
</body>
</html>`;

describe('the guest spam guard', () => {
  const dir = tempDir();
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;

  before(async () => {
    const port = await freePort();
    const args = ['--demo', '--port', String(port), '--host', '127.0.0.1'];
    const env = {
      CONFAB_DB: join(dir.path, 'demo.sqlite'),
      CONFAB_PUBLIC_URL: `http://127.0.0.1:${String(port)}`,
    };
    const first = await startConfab(args, env);
    await first.stop();
    confab(['site', 'update', 'demo', '--pow', '30000', '--min-fill', '2'], env);
    server = await startConfab(args, env);
    browser = await launchBrowser();
    context = await browser.newContext();
    await context.route(`${server.url}/blog/**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: blogPage(server.url) }),
    );
  });

  after(async () => {
    await context.close();
    await browser.close();
    await server.stop();
    dir.remove();
  });

  /** What a script posting straight to the API gets. */
  async function botPost(extra: Record<string, unknown>): Promise<[number, string]> {
    const res = await fetch(`${server.url}/api/v1/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: server.url },
      body: JSON.stringify({
        site: 'demo',
        thread: POST,
        body: `Buy cheap things ${String(Math.random())}`,
        author: { name: 'Bot' },
        ...extra,
      }),
    });
    return [res.status, ((await res.json()) as { code?: string }).code ?? ''];
  }

  it('lets a reader post at once: the widget solves the work and waits by itself', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const guards: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/v1/guard')) guards.push(request.url());
    });
    await page.goto(`${server.url}${POST}`);
    await page.getByText('Be the first to comment').waitFor();
    await page.getByRole('textbox', { name: 'Name' }).fill('Real Reader');
    await page.getByRole('textbox', { name: 'Comment' }).fill('Typed and sent straight away.');
    // No pause: faster than the site's fill time. The widget holds the post until it may go.
    await page.getByRole('button', { name: 'Post Comment' }).click();
    await page.getByText('Typed and sent straight away.').waitFor();
    await page.reload();
    await page.getByText('Typed and sent straight away.').waitFor();
    assert.ok(guards.length >= 1, 'the widget fetched a guard');
    assert.deepEqual(errors, []);
  });

  it('refuses a script without the guard, with a filled honeypot, too fast, or replaying a guard', async () => {
    assert.deepEqual(await botPost({}), [400, 'challenge_required']);
    const guard = (await (
      await fetch(`${server.url}/api/v1/guard?site=demo`)
    ).json()) as GuardResponse;
    assert.deepEqual(await botPost({ formToken: guard.formToken, trap: 'http://spam.example' }), [
      422,
      'spam_suspected',
    ]);
    // Too soon: refused, and told to wait.
    assert.deepEqual(await botPost({ formToken: guard.formToken }), [422, 'too_fast']);
    // A script that does the work and waits gets one comment in — and not a second with it.
    const pow = guard.proofOfWork;
    assert.ok(pow);
    const solved = await solveChallenge(pow.challenge, pow.salt, pow.algorithm, pow.maxnumber)
      .promise;
    assert.ok(solved);
    const proofOfWork = Buffer.from(
      JSON.stringify({ ...pow, number: solved.number, maxnumber: undefined }),
    ).toString('base64');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    assert.equal((await botPost({ formToken: guard.formToken, proofOfWork }))[0], 201);
    assert.deepEqual(await botPost({ formToken: guard.formToken, proofOfWork }), [
      400,
      'challenge_failed',
    ]);
  });
});
