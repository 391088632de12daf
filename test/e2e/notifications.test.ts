/**
 * "Notify me of new comments via email", as a guest uses it: ticks the box in Chromium,
 * confirms from the mail, gets a mail when someone replies whose link opens the reply
 * highlighted, unsubscribes with the RFC 8058 one-click POST, and gets nothing more; all
 * observed on a real SMTP server on 127.0.0.1, against the built server.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ParsedMail } from 'mailparser';
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

const link = (mail: ParsedMail, prefix: string): string => {
  const found = ((mail.text ?? '').match(/https?:\/\/\S+/g) ?? []).find((l) =>
    l.startsWith(prefix),
  );
  assert.ok(found, `a ${prefix} link in:\n${mail.text ?? ''}`);
  return found;
};

describe('a guest asks to be told of replies', () => {
  const dir = tempDir();
  let server: RunningServer;
  let serverUrl: string;
  let blog: { origin: string; server: Server };
  let browser: Browser;
  let inbox: Inbox;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    const port = await freePort();
    serverUrl = `http://127.0.0.1:${port}`;
    inbox = await startInbox();
    blog = await startBlog(examplePage(serverUrl, 'garden'));
    env = { CONFAB_DB: join(dir.path, 'confab.sqlite'), CONFAB_SMTP_URL: inbox.url };
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
        'off',
        '--alert-email',
        'owner@garden.example',
      ],
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
    await inbox.stop();
    dir.remove();
  });

  /** A reply from someone else, through the API as their browser would send it. */
  async function reply(parentId: string, body: string): Promise<string> {
    const response = await fetch(`${serverUrl}/api/v1/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: blog.origin },
      body: JSON.stringify({
        site: 'garden',
        thread: '/2026/03/tomatoes/',
        parentId,
        body,
        author: { name: 'Ada', email: 'ada@example.com' },
      }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    return ((await response.json()) as { comment: { id: string } }).comment.id;
  }

  it('confirms, hears of the reply, opens it highlighted, unsubscribes in one click', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${blog.origin}/2026/03/tomatoes/`);
    await page.getByText('Be the first to comment').waitFor();
    await page.getByRole('textbox', { name: 'Name' }).fill('Grace');
    await page.getByRole('textbox', { name: 'Email' }).fill('grace@example.com');
    await page.getByRole('textbox', { name: 'Comment' }).fill('Which variety splits least?');
    await page.getByRole('checkbox', { name: 'Notify me of new comments via email' }).check();
    await page.getByRole('radio', { name: 'only replies to me' }).check();
    await page.getByRole('button', { name: 'Post Comment' }).click();
    await page
      .getByText('We sent you an email: open its link to confirm the notifications.')
      .waitFor();
    const questionId = await page
      .locator('confab-comment')
      .first()
      .evaluate((el) => (el as unknown as { comment: { id: string } }).comment.id);

    // The confirmation: its link opens a page; only its button confirms.
    const confirm = await inbox.waitFor('grace@example.com', 1);
    assert.match(confirm.subject ?? '', /^Confirm: emails about “.+”$/);
    const confirmPage = await browser.newPage();
    await confirmPage.goto(link(confirm, `${serverUrl}/notify/confirm?`));
    await confirmPage.getByRole('button', { name: 'Yes, email me' }).click();
    await confirmPage.getByRole('heading', { name: 'Confirmed' }).waitFor();

    const replyId = await reply(questionId, 'San Marzano, in my garden.');
    const mail = await inbox.waitFor('grace@example.com', 2);
    assert.equal(mail.subject?.startsWith('Ada replied on “'), true, mail.subject);
    const permalink = link(mail, blog.origin);
    assert.ok(permalink.endsWith(`#comment-${replyId}`), permalink);

    // The mail's link opens the post with the reply highlighted, in view, focused.
    const reader = await browser.newPage();
    await reader.goto(permalink);
    const highlighted = reader.locator('confab-comment[highlighted]');
    await highlighted.waitFor();
    assert.match(
      await highlighted.locator('[part=body]').innerText(),
      /San Marzano, in my garden\./,
    );
    const box = await highlighted.boundingBox();
    const viewport = reader.viewportSize();
    assert.ok(
      box && viewport && box.y >= 0 && box.y + Math.min(box.height, 50) <= viewport.height,
      'in view',
    );

    // RFC 8058 one-click unsubscribe, as a mail client sends it.
    const header = mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
    const unsubscribeUrl = /<([^>]+)>/.exec(header)?.[1] ?? '';
    const oneClick = await fetch(unsubscribeUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(oneClick.status, 200);

    // Another reply: the owner's alert for it comes, and nothing more for Grace (the
    // outbox rows for one comment are written together, in one transaction).
    await reply(questionId, 'Also Roma.');
    // The question, the first reply, this one.
    await inbox.waitFor('owner@garden.example', 3);
    const outbox = confab(['mail', 'outbox'], env);
    assert.equal((outbox.match(/grace@example\.com/g) ?? []).length, 2, outbox);
    assert.equal(inbox.to('grace@example.com').length, 2);
    assert.deepEqual(errors, []);
  });
});
