/**
 * "Notify me of new comments via email", end to end over a real SMTP server on 127.0.0.1:
 * the double opt-in, the reply mail and its links, one-click unsubscribe (RFC 8058), held
 * comments, the outbox while the mail server is down (and across a restart), owners'
 * alerts with their Approve / Spam / Delete links, and the daily digest.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ParsedMail } from 'mailparser';
import type { CreateCommentResponse } from '../../server/contract.js';
import { flushNotifications } from '../../server/services/notify/runner.js';
import { updateSite } from '../../server/services/sites/sites.js';
import { listOutbox } from '../../server/store/outbox.js';
import { guestComment, json, makeTestApp, type TestApp } from './helpers.js';
import { signedIn } from './support/accounts.js';
import { runCli } from './support/cli.js';
import { startInbox, type Inbox } from './support/smtp.js';

const THREAD = '/2014/03/my-post/';
const PAGE = `https://blog.example${THREAD}`;

/** The one link in the mail's text that starts with `prefix`. */
function linkIn(mail: ParsedMail, prefix: string): string {
  const links = (mail.text ?? '').match(/https?:\/\/\S+/g) ?? [];
  const found = links.filter((l) => l.startsWith(prefix));
  assert.equal(found.length, 1, `one ${prefix} link in:\n${mail.text ?? ''}`);
  return found[0] as string;
}

/** The link after `label: ` in the mail's text (the owner's Approve / Spam / Delete). */
function actionIn(mail: ParsedMail, label: string): string {
  const found = new RegExp(`^${label}: (\\S+)$`, 'm').exec(mail.text ?? '')?.[1];
  assert.ok(found, `${label} link in:\n${mail.text ?? ''}`);
  return found;
}

/** A header as it came, unfolded (mailparser turns `List-*` headers into objects). */
function header(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line
    ?.slice(line.indexOf(':') + 1)
    .replace(/\r?\n\s+/g, ' ')
    .trim();
}

/** `https://server/notify/...` as a path the test app answers. */
const local = (url: string): string => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

async function posted(t: TestApp, body: Record<string, unknown>): Promise<CreateCommentResponse> {
  const response = await t.post(guestComment(body));
  assert.ok(response.status === 201 || response.status === 202, await response.clone().text());
  return json<CreateCommentResponse>(response);
}

describe('notifications: a guest asks to hear of replies', () => {
  let inbox: Inbox;
  let t: TestApp;
  before(async () => {
    inbox = await startInbox();
    t = await makeTestApp({ env: { CONFAB_SMTP_URL: inbox.url } });
  });
  after(async () => {
    await t.close();
    await inbox.stop();
  });

  it('confirms first, mails the reply with a permalink, and stops after one click', async () => {
    const question = await posted(t, {
      body: 'Does this work on a phone?',
      author: { name: 'Grace', email: 'Grace@Example.com' },
      notify: 'replies',
    });
    assert.deepEqual(question.notify, { scope: 'replies', status: 'pending' });
    await flushNotifications(t.deps);
    const [confirm, ...others] = inbox.to('grace@example.com');
    assert.ok(confirm, 'a confirmation mail');
    assert.equal(others.length, 0);
    assert.match(confirm.subject ?? '', /^Confirm: emails about “My post”$/);
    assert.equal(header(confirm, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
    const confirmUrl = linkIn(confirm, 'http://localhost:8080/notify/confirm?');

    // A GET (a mail scanner following the link) changes nothing.
    const page = await t.request(local(confirmUrl), { origin: null });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Yes, email me/);
    assert.match(html, /<form method="post">/);
    await posted(t, {
      parentId: question.comment.id,
      body: 'Before confirming: yes.',
      author: { name: 'Ada', email: 'ada@example.com' },
    });
    await flushNotifications(t.deps);
    assert.equal(inbox.to('grace@example.com').length, 1, 'nothing before the button');

    const confirmed = await t.request(local(confirmUrl), { method: 'POST', origin: null });
    assert.equal(confirmed.status, 200);
    assert.match(await confirmed.text(), /Confirmed/);

    const answer = await posted(t, {
      parentId: question.comment.id,
      body: 'Yes, it works on a phone. ![tracker](https://evil.example/pixel.png) <script>x</script> [docs](https://docs.example/)',
      author: { name: 'Ada', email: 'ada@example.com' },
    });
    await flushNotifications(t.deps);
    const mails = inbox.to('grace@example.com');
    assert.equal(mails.length, 2);
    const reply = mails[1] as ParsedMail;
    assert.equal(reply.subject, 'Ada replied on “My post”');
    const permalink = linkIn(reply, PAGE);
    assert.equal(permalink, `${PAGE}#comment-${answer.comment.id}`);
    assert.match(reply.text ?? '', /> Yes, it works on a phone\./);
    const htmlPart = String(reply.html);
    // No remote image loads: an image in Markdown is only a link, and markup stays text.
    assert.doesNotMatch(htmlPart, /<img|<script|\ssrc=|onerror|url\(/i);
    assert.match(
      htmlPart,
      /<a href="https:\/\/docs\.example\/" rel="nofollow noopener noreferrer">docs<\/a>/,
    );
    assert.match(htmlPart, new RegExp(`href="${PAGE}#comment-${answer.comment.id}"`));
    const unsubscribeHeader = header(reply, 'List-Unsubscribe') ?? '';
    const unsubscribeUrl = /^<(.+)>$/.exec(unsubscribeHeader)?.[1] ?? '';
    assert.match(unsubscribeUrl, /^http:\/\/localhost:8080\/notify\/unsubscribe\?s=/);
    assert.equal(header(reply, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
    assert.equal(header(reply, 'Auto-Submitted'), 'auto-generated');
    // The author of the reply is not mailed about it (and never subscribed).
    assert.equal(inbox.to('ada@example.com').length, 0);

    // RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click` to the URL.
    const oneClick = await t.request(local(unsubscribeUrl), {
      method: 'POST',
      origin: null,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(oneClick.status, 200);
    await posted(t, {
      parentId: question.comment.id,
      body: 'One more thing about phones.',
      author: { name: 'Ada', email: 'ada@example.com' },
    });
    await flushNotifications(t.deps);
    assert.equal(inbox.to('grace@example.com').length, 2, 'nothing after unsubscribing');
  });

  it('mails every new comment to an "all" subscriber once, never their own', async () => {
    const thread = '/all-comments/';
    await posted(t, {
      thread,
      threadUrl: `https://blog.example${thread}`,
      body: 'Tell me everything.',
      author: { name: 'Lin', email: 'lin@example.com' },
      notify: true,
    });
    await flushNotifications(t.deps);
    const [confirm] = inbox.to('lin@example.com');
    assert.ok(confirm);
    const confirmUrl = linkIn(confirm, 'http://localhost:8080/notify/confirm?');
    assert.equal(
      (await t.request(local(confirmUrl), { method: 'POST', origin: null })).status,
      200,
    );
    // Lin comments again, ticking the box again: no second confirmation, no mail of her own.
    await posted(t, {
      thread,
      body: 'And another from me.',
      author: { name: 'Lin', email: 'LIN@example.com' },
      notify: 'all',
    });
    const other = await posted(t, {
      thread,
      body: 'A comment from someone else.',
      author: { name: 'Sam', email: 'sam@example.com' },
    });
    await flushNotifications(t.deps);
    await flushNotifications(t.deps);
    const mails = inbox.to('lin@example.com');
    assert.equal(mails.length, 2, mails.map((m) => m.subject).join(' | '));
    assert.equal(mails[1]?.subject, 'New comment on “My post”');
    assert.ok((mails[1].text ?? '').includes(`#comment-${other.comment.id}`));
  });

  it('cannot be turned against an address: no second ask after unsubscribing, no change to a confirmed one, three asks a day', async () => {
    // Grace unsubscribed from the post in the first test: naming her again asks nothing.
    const before = inbox.to('grace@example.com').length;
    const again = await posted(t, {
      body: 'Someone else, with Grace’s address.',
      author: { name: 'Mallory', email: 'grace@example.com' },
      notify: 'all',
    });
    assert.deepEqual(again.notify, { scope: 'all', status: 'pending' });
    // Lin confirmed "all" on /all-comments/: a stranger naming her learns nothing, changes nothing.
    const stranger = await posted(t, {
      thread: '/all-comments/',
      body: 'Pretending to be Lin.',
      author: { name: 'Mallory', email: 'lin@example.com' },
      notify: 'replies',
    });
    assert.deepEqual(stranger.notify, { scope: 'replies', status: 'pending' });
    const lin = await t.deps.db
      .selectFrom('subscriptions')
      .select(['scope', 'status'])
      .where('email', '=', 'lin@example.com')
      .executeTakeFirstOrThrow();
    assert.deepEqual(lin, { scope: 'all', status: 'active' });
    // A new address named on five posts in a day: three confirmations, no more.
    for (const n of [1, 2, 3, 4, 5]) {
      await posted(t, {
        thread: `/flood-${String(n)}/`,
        body: `Flood ${String(n)}.`,
        author: { name: 'Mallory', email: 'victim@example.com' },
        notify: 'all',
      });
    }
    await flushNotifications(t.deps);
    assert.equal(inbox.to('grace@example.com').length, before);
    assert.equal(inbox.to('victim@example.com').length, 3);
  });

  it('asks for an address before it can notify, and refuses a bad one', async () => {
    const none = await t.post(guestComment({ author: { name: 'Noa' }, notify: 'replies' }));
    assert.equal(none.status, 422);
    const problem = await json<{ errors: { field: string; code: string }[] }>(none);
    assert.deepEqual(problem.errors, [
      {
        field: 'author.email',
        code: 'required',
        message: 'To be emailed about new comments, please give your email address.',
      },
    ]);
    const bad = await t.post(
      guestComment({ author: { name: 'Noa', email: 'a@b.c\r\nBcc: x@y.z' }, notify: true }),
    );
    assert.equal(bad.status, 422);
    const wrongKind = await t.post(guestComment({ notify: 'weekly' }));
    assert.equal(wrongKind.status, 422);
  });

  it('a signed-in reader gives notifyEmail and confirms it too', async () => {
    const reader = await signedIn(t, { name: 'Kim' });
    const response = await t.post(
      {
        site: 'blog',
        thread: '/signed-in/',
        body: 'Signed in and curious.',
        notify: 'replies',
        notifyEmail: 'kim@example.com',
      },
      { headers: reader.auth },
    );
    assert.equal(response.status, 201, await response.clone().text());
    assert.deepEqual((await json<CreateCommentResponse>(response)).notify, {
      scope: 'replies',
      status: 'pending',
    });
    await flushNotifications(t.deps);
    assert.equal(inbox.to('kim@example.com').length, 1);
  });

  it('refuses tampered links with a page, and changes nothing', async () => {
    const [confirm] = inbox.to('grace@example.com');
    assert.ok(confirm);
    const url = new URL(linkIn(confirm, 'http://localhost:8080/notify/confirm?'));
    url.searchParams.set('t', 'A'.repeat(32));
    const forged = await t.request(local(url.href), { method: 'POST', origin: null });
    assert.equal(forged.status, 403);
    assert.match(forged.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await forged.text(), /This link is not valid/);
    const missing = await t.request('/notify/unsubscribe', { origin: null });
    assert.equal(missing.status, 403);
    const asJson = await t.request(local(url.href), {
      method: 'POST',
      origin: null,
      headers: { Accept: 'application/json' },
    });
    assert.equal(asJson.status, 403);
    assert.equal(asJson.headers.get('content-type'), 'application/problem+json');
    assert.equal((await json(asJson)).code, 'invalid_link');
  });
});

describe('notifications: held comments and the owner', () => {
  let inbox: Inbox;
  let t: TestApp;
  before(async () => {
    inbox = await startInbox();
    t = await makeTestApp({
      env: { CONFAB_SMTP_URL: inbox.url },
      site: { moderation: 'all', alertEmails: ['owner@blog.example'] },
    });
  });
  after(async () => {
    await t.close();
    await inbox.stop();
  });

  it('mails the owner a held comment; the mail’s Approve link publishes it, then readers hear', async () => {
    // A subscriber, confirmed once her own (held) comment is approved.
    const first = await posted(t, {
      body: 'Waiting for answers.',
      author: { name: 'Grace', email: 'grace@example.com' },
      notify: 'all',
    });
    await flushNotifications(t.deps);
    const ownerMails = () => inbox.to('owner@blog.example');
    assert.equal(ownerMails().length, 1);
    const firstAlert = ownerMails()[0] as ParsedMail;
    assert.match(firstAlert.subject ?? '', /^Held for review on “My post”: Grace$/);
    assert.match(
      actionIn(firstAlert, 'Approve'),
      /^http:\/\/localhost:8080\/notify\/moderate\?.*a=approve/,
    );
    assert.match(actionIn(firstAlert, 'Spam'), /a=spam/);
    assert.match(actionIn(firstAlert, 'Delete'), /a=delete/);
    // Her comment is held, so is her confirmation: nobody can make the blog mail an
    // address with a comment that never gets published.
    assert.equal(inbox.to('grace@example.com').length, 0);
    const approved = await t.request(local(actionIn(firstAlert, 'Approve')), {
      method: 'POST',
      origin: null,
    });
    assert.equal(approved.status, 200);
    t.advance(10 * 60_000);
    await flushNotifications(t.deps);
    const [confirm] = inbox.to('grace@example.com');
    assert.ok(confirm, 'the confirmation, once the comment is approved');
    await t.request(local(linkIn(confirm, 'http://localhost:8080/notify/confirm?')), {
      method: 'POST',
      origin: null,
    });

    const held = await posted(t, {
      body: 'A held reply worth reading.',
      author: { name: 'Ada', email: 'ada@example.com' },
    });
    assert.equal(held.comment.status, 'pending');
    await flushNotifications(t.deps);
    assert.equal(inbox.to('grace@example.com').length, 1, 'nothing for a held comment');
    const alert = ownerMails()[1] as ParsedMail;
    assert.ok(alert.text?.includes('From: Ada <ada@example.com>'));
    const approve = actionIn(alert, 'Approve');

    // The link opens a page asking first; only its button acts.
    const page = await t.request(local(approve), { origin: null });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /A held reply worth reading\./);
    assert.equal(
      (
        await t
          .request(`/api/v1/threads?site=blog&thread=${THREAD}`)
          .then((r) => json<{ comments: unknown[] }>(r))
      ).comments.length,
      1,
    );
    const done = await t.request(local(approve), { method: 'POST', origin: null });
    assert.equal(done.status, 200, await done.clone().text());
    assert.match(await done.text(), /Approved/);
    const thread = await json<{ comments: { id: string }[] }>(
      await t.request(`/api/v1/threads?site=blog&thread=${THREAD}`),
    );
    assert.deepEqual(
      thread.comments.map((c) => c.id),
      [first.comment.id, held.comment.id],
    );

    // The link works once: it cannot undo a later decision.
    const replayed = await t.request(local(approve), { method: 'POST', origin: null });
    assert.equal(replayed.status, 409);
    assert.match(await replayed.text(), /no longer held \(it is published\)/);
    // Now public: the subscriber hears of it, once.
    await flushNotifications(t.deps);
    const grace = inbox.to('grace@example.com');
    assert.equal(grace.length, 2);
    assert.ok((grace[1]?.text ?? '').includes(`#comment-${held.comment.id}`));

    // A link mailed to someone else's address, or altered, does nothing.
    const other = new URL(approve);
    other.searchParams.set('to', 'intruder@example.com');
    assert.equal(
      (await t.request(local(other.href), { method: 'POST', origin: null })).status,
      403,
    );
  });

  it('moderation links expire', async () => {
    const held = await posted(t, {
      body: 'Late one.',
      author: { name: 'Ola', email: 'ola@example.com' },
    });
    await flushNotifications(t.deps);
    const alert = inbox.to('owner@blog.example').find((m) => (m.text ?? '').includes('Late one.'));
    assert.ok(alert);
    t.advance(15 * 86_400_000);
    const approve = actionIn(alert, 'Approve');
    const late = await t.request(local(approve), { method: 'POST', origin: null });
    assert.equal(late.status, 410);
    const row = await t.deps.db
      .selectFrom('comments')
      .select('status')
      .where('id', '=', held.comment.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.status, 'pending');
  });

  it('a daily digest instead, when the owner chooses it', async () => {
    await updateSite(t.deps, 'blog', { alertMode: 'digest' });
    await flushNotifications(t.deps); // starts the first day
    const before = inbox.to('owner@blog.example').length;
    t.advance(1000);
    await posted(t, { body: 'Digest one.', author: { name: 'Dee', email: 'dee@example.com' } });
    t.advance(1000);
    await posted(t, {
      thread: '/other/',
      body: 'Digest two.',
      author: { name: 'Eve', email: 'eve@example.com' },
    });
    await flushNotifications(t.deps);
    assert.equal(inbox.to('owner@blog.example').length, before, 'no mail per comment');
    t.advance(86_400_000);
    await flushNotifications(t.deps);
    await flushNotifications(t.deps);
    const digests = inbox.to('owner@blog.example').slice(before);
    assert.equal(digests.length, 1);
    assert.equal(digests[0]?.subject, 'blog: 2 new comments');
    assert.match(digests[0].text ?? '', /Digest one\.[\s\S]*Digest two\./);
  });
});

describe('notifications: the outbox while the mail server is down', () => {
  let inbox: Inbox;
  let t: TestApp;
  beforeEach(async () => {
    inbox = await startInbox();
    t = await makeTestApp({ env: { CONFAB_SMTP_URL: inbox.url } });
  });

  it('keeps the mail as failed with the reason, and sends it once when the server is back, across a restart', async () => {
    const question = await posted(t, {
      body: 'Will I hear back?',
      author: { name: 'Grace', email: 'grace@example.com' },
      notify: 'replies',
    });
    await flushNotifications(t.deps);
    const [confirm] = inbox.to('grace@example.com');
    assert.ok(confirm);
    await t.request(local(linkIn(confirm, 'http://localhost:8080/notify/confirm?')), {
      method: 'POST',
      origin: null,
    });

    await inbox.stop();
    await posted(t, {
      parentId: question.comment.id,
      body: 'Yes you will.',
      author: { name: 'Ada', email: 'ada@example.com' },
    });
    const first = await flushNotifications(t.deps);
    assert.equal(first.failed, 1);
    const [row] = await listOutbox(t.deps.db, { status: 'failed' }, 10);
    assert.ok(row);
    assert.equal(row.recipient, 'grace@example.com');
    assert.equal(row.attempts, 1);
    assert.match(row.last_error ?? '', /ECONNREFUSED/);

    // The server restarts while the mail server is still down; then the mail server is back.
    t = await t.reopen();
    assert.equal((await flushNotifications(t.deps)).sent, 0, 'not due yet');
    await inbox.start();
    t.advance(61_000);
    const second = await flushNotifications(t.deps);
    assert.equal(second.sent, 1);
    await flushNotifications(t.deps);
    t.advance(3_600_000);
    await flushNotifications(t.deps);
    const mails = inbox.to('grace@example.com');
    assert.equal(mails.length, 2, 'the reply mail, exactly once');
    assert.equal(mails[1]?.subject, 'Ada replied on “My post”');
    const sent = await listOutbox(t.deps.db, { status: 'sent', siteId: 'blog' }, 10);
    assert.deepEqual(sent.map((r) => [r.kind, r.attempts]).sort(), [
      ['confirm', 1],
      ['reply', 2],
    ]);
    await t.close();
    await inbox.stop();
  });

  it('without a mail server configured, mail is kept in the outbox, never lost', async () => {
    await inbox.stop();
    await t.close();
    t = await makeTestApp();
    await posted(t, {
      body: 'Demo mode.',
      author: { name: 'Grace', email: 'grace@example.com' },
      notify: true,
    });
    const result = await flushNotifications(t.deps);
    assert.equal(result.kept, 1);
    const [row] = await listOutbox(t.deps.db, {}, 10);
    assert.ok(row);
    assert.equal(row.status, 'kept');
    assert.equal(row.kind, 'confirm');
    assert.match(row.last_error ?? '', /No mail server is configured/);
    await t.close();
  });
});

describe('confab mail test', () => {
  it('sends a test email, or says why not and exits 1', async () => {
    const inbox = await startInbox();
    const dir = mkdtempSync(join(tmpdir(), 'confab-mail-'));
    const env = { CONFAB_DB: join(dir, 'confab.sqlite'), CONFAB_SMTP_URL: inbox.url };
    try {
      const sent = await runCli(['mail', 'test', 'ops@example.com'], env);
      assert.equal(sent.status, 0, sent.stderr);
      assert.match(
        sent.stdout,
        /^Sent a test email to ops@example\.com through smtp:\/\/127\.0\.0\.1:\d+\./,
      );
      const [mail] = inbox.to('ops@example.com');
      assert.equal(mail?.subject, 'Confab test email');

      await inbox.stop();
      const down = await runCli(['mail', 'test', 'ops@example.com'], env);
      assert.equal(down.status, 1);
      assert.match(
        down.stderr,
        /Not sent \(failed\): ESOCKET: connect ECONNREFUSED 127\.0\.0\.1:\d+\. It waits in the outbox/,
      );
      const listed = await runCli(['mail', 'outbox'], env);
      assert.match(
        listed.stdout,
        /failed\s+test\s+ops@example\.com \(attempts 1\) — ESOCKET: connect ECONNREFUSED/,
      );
      assert.match(listed.stdout, /sent\s+test\s+ops@example\.com/);

      const none = await runCli(['mail', 'test', 'ops@example.com'], { CONFAB_DB: env.CONFAB_DB });
      assert.equal(none.status, 1);
      assert.match(none.stderr, /No mail server is configured/);
      const bad = await runCli(['mail', 'test', 'not an address'], env);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /email address like name@example\.com/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
