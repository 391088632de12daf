/**
 * A guest's own comments by mail, over a real SMTP server on 127.0.0.1 and a real SQLite
 * file: asking for the link (the same answer whether or not the address wrote anything,
 * limited per address and per client), the mail and its link, the list (every status,
 * this site only), editing inside the edit window with the edit rules, deleting with a
 * confirmation, the export, erasure (placeholders where others replied, subscriptions
 * and waiting mail gone, other addresses untouched), bad and expired links, forms from
 * elsewhere; and the subscriptions in a signed-in reader's export and erasure.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CompiledQuery,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import type { ParsedMail } from 'mailparser';
import type {
  CreateCommentResponse,
  ManageLinkResponse,
  Problem,
  ThreadResponse,
} from '../../server/contract.js';
import type { Deps } from '../../server/deps.js';
import type { GuestExport } from '../../server/services/data/guest-data.js';
import { viewGuestData } from '../../server/services/data/guest-data.js';
import { openManageToken } from '../../server/services/data/guest-link.js';
import type { ReaderExport } from '../../server/services/data/reader-data.js';
import { hashEmail } from '../../server/services/moderation/bans.js';
import { flushNotifications } from '../../server/services/notify/runner.js';
import { addSite, getSite, updateSite } from '../../server/services/sites/sites.js';
import { findSubscriptionsByUser } from '../../server/store/subscriptions.js';
import { guestComment, json, makeTestApp, ORIGIN, type TestApp } from './helpers.js';
import { signedIn } from './support/accounts.js';
import { startInbox, type Inbox } from './support/smtp.js';

/** The server's own origin (its public URL in tests): where the manage pages live. */
const OWN = 'http://localhost:8080';
const OTHER = 'https://other.example';
const GRACE = 'grace@example.com';

/** `http://localhost:8080/...` as a path the test app answers. */
const local = (url: string): string => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

/** The manage link in the mail's text, and its token. */
function manageLinkIn(mail: ParsedMail): { url: string; token: string } {
  const links = ((mail.text ?? '').match(/https?:\/\/\S+/g) ?? []).filter((l) =>
    l.startsWith(`${OWN}/manage/comments?token=`),
  );
  assert.equal(links.length, 1, `one manage link in:\n${mail.text ?? ''}`);
  const url = links[0] as string;
  return { url, token: new URL(url).searchParams.get('token') ?? '' };
}

/** A page's text without its per-response nonce. */
const withoutNonce = (html: string): string => html.replace(/nonce="[^"]+"/g, 'nonce=""');

/** The page's visible text, roughly (tags dropped, entities of quotes undone). */
const textOf = (html: string): string =>
  html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&#34;/g, '"')
    .replace(/\s+/g, ' ');

// Mail arrives on its own time: a test waits for it, at most this long.
describe('a guest’s own comments by mail', { timeout: 30_000 }, () => {
  let inbox: Inbox;
  let t: TestApp;
  /** Comment ids by name. */
  const ids: Record<string, string> = {};
  /** Grace's link, once she has asked for it (three asks an hour per address). */
  let token = '';

  /** A form POST from the manage pages, as a browser sends it (Origin null, same-origin). */
  function submit(
    path: string,
    form: Record<string, string>,
    init: { origin?: string | null; fetchSite?: string | null; ip?: string; accept?: string } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/x-www-form-urlencoded',
    };
    const fetchSite = init.fetchSite === undefined ? 'same-origin' : init.fetchSite;
    if (fetchSite !== null) headers['Sec-Fetch-Site'] = fetchSite;
    if (init.accept !== undefined) headers.Accept = init.accept;
    return t.request(path, {
      method: 'POST',
      origin: init.origin === undefined ? 'null' : init.origin,
      ip: init.ip ?? '198.51.100.1',
      headers,
      body: new URLSearchParams(form).toString(),
    });
  }

  async function say(body: Record<string, unknown>): Promise<string> {
    const response = await t.post(guestComment(body));
    assert.ok(response.status === 201 || response.status === 202, await response.clone().text());
    t.advance(1000);
    return (await json<CreateCommentResponse>(response)).comment.id;
  }

  async function thread(key: string): Promise<ThreadResponse> {
    return json<ThreadResponse>(await t.request(`/api/v1/threads?site=blog&thread=${key}`));
  }

  /** Asks for a link on the page and returns the mail that came for it. */
  async function linkFor(email: string, ip = '198.51.100.2'): Promise<string> {
    const before = inbox.to(email).length;
    const asked = await submit('/manage', { site: 'blog', email }, { ip });
    assert.equal(asked.status, 200, await asked.clone().text());
    return manageLinkIn(await inbox.waitFor(email, before + 1)).token;
  }

  const list = (token: string) =>
    t.request(`/manage/comments?token=${encodeURIComponent(token)}`, { origin: null });

  const commentRow = (id: string) =>
    t.deps.db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirst();

  before(async () => {
    inbox = await startInbox();
    t = await makeTestApp({ env: { CONFAB_SMTP_URL: inbox.url } });
    await addSite(t.deps, 'other', { origins: [OTHER], rateLimit: 0, minFillSeconds: 0 });
    await updateSite(t.deps, 'blog', { name: 'The Garden', blocklist: ['casino'] });
    const grace = { name: 'Grace', email: 'Grace@Example.com' };
    ids.answered = await say({
      thread: '/a/',
      threadUrl: `${ORIGIN}/a/`,
      threadTitle: 'Tomatoes',
      body: 'Which variety splits least?',
      author: grace,
    });
    ids.adaReply = await say({
      thread: '/a/',
      parentId: ids.answered,
      body: 'San Marzano, in my garden.',
      author: { name: 'Ada', email: 'ada@example.com' },
    });
    ids.namesake = await say({
      thread: '/a/',
      body: 'Another Grace, another address.',
      author: { name: 'Grace', email: 'grace@other.example' },
    });
    ids.alone = await say({
      thread: '/b/',
      threadUrl: `${ORIGIN}/b/`,
      threadTitle: 'Beans',
      body: 'Nobody answered this.',
      author: grace,
      notify: 'all',
    });
    ids.held = await say({ thread: '/b/', body: 'Try my casino tips.', author: grace });
    ids.spam = await say({ thread: '/b/', body: 'Marked as spam later.', author: grace });
    await t.deps.db
      .updateTable('comments')
      .set({ status: 'spam' })
      .where('id', '=', ids.spam)
      .execute();
    // Grace on another site: not this site's to show or erase.
    const elsewhere = await t.post(
      guestComment({
        site: 'other',
        thread: '/x/',
        threadUrl: `${OTHER}/x/`,
        body: 'On the other site.',
        author: grace,
      }),
      { origin: OTHER },
    );
    assert.equal(elsewhere.status, 201);
    ids.elsewhere = (await json<CreateCommentResponse>(elsewhere)).comment.id;
  });
  after(async () => {
    await t.close();
    await inbox.stop();
  });

  it('shows the page that asks for the address, and a 404 page for an unknown site', async () => {
    const page = await t.request('/manage?site=blog', { origin: null });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<h1>Your comments on The Garden<\/h1>/);
    assert.match(html, /<form method="post" action="manage"/);
    assert.match(html, /<input type="email" name="email" required/);
    assert.match(html, /<input type="hidden" name="site" value="blog">/);
    assert.doesNotMatch(html, /<script/);
    assert.match(
      page.headers.get('Content-Security-Policy') ?? '',
      /^default-src 'none'; style-src 'nonce-/,
    );
    assert.match(page.headers.get('Content-Security-Policy') ?? '', /form-action 'self'/);
    assert.equal(page.headers.get('Referrer-Policy'), 'no-referrer');
    assert.equal(page.headers.get('Cache-Control'), 'no-store');
    const unknown = await t.request('/manage?site=nope', { origin: null });
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('Content-Type') ?? '', /^text\/html/);
    assert.match(await unknown.text(), /No such site/);
  });

  it('answers the same whether or not the address wrote anything, and mails only one that did', async () => {
    const known = await submit('/manage', { site: 'blog', email: ' Grace@Example.com ' });
    const unknown = await submit('/manage', { site: 'blog', email: 'nobody@example.com' });
    assert.equal(known.status, 200);
    assert.equal(unknown.status, 200);
    const a = withoutNonce(await known.text()).replace(GRACE, 'ADDRESS');
    const b = withoutNonce(await unknown.text()).replace('nobody@example.com', 'ADDRESS');
    assert.equal(a, b, 'the same page');
    assert.match(textOf(a), /Check your email/);
    // What is in the outbox is decided before the answer: one row, for Grace only.
    const rows = await t.deps.db
      .selectFrom('outbox')
      .select(['recipient', 'kind', 'site_id'])
      .where('kind', '=', 'manage')
      .execute();
    assert.deepEqual(rows, [{ recipient: GRACE, kind: 'manage', site_id: 'blog' }]);

    const mail = await inbox.waitFor(GRACE, 1);
    assert.equal(mail.subject, 'Your comments on The Garden');
    assert.match(mail.text ?? '', /It works for 24 hours/);
    const { url, token } = manageLinkIn(mail);
    assert.ok(String(mail.html).includes(`href="${url.replace(/&/g, '&amp;')}"`));
    assert.ok(!token.includes(GRACE), 'the address is not written out in the link');
    const access = await openManageToken(t.deps, token);
    assert.equal(access.email, GRACE);
    assert.equal(access.site.id, 'blog');
    assert.equal(Date.parse(access.expiresAt) - t.deps.now().getTime() <= 86_400_000, true);
    assert.equal(inbox.to('nobody@example.com').length, 0);
    // The link opens the list as it was mailed.
    const opened = await t.request(local(url), { origin: null });
    assert.equal(opened.status, 200);
    assert.match(await opened.text(), /<h1>Your comments on The Garden<\/h1>/);
  });

  it('asks from the widget: POST /api/v1/manage-link, 202, problem+json on bad input', async () => {
    const ask = (body: unknown, origin: string | null = ORIGIN) =>
      t.request('/api/v1/manage-link', {
        method: 'POST',
        origin,
        ip: '198.51.100.3',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const unknown = await ask({ site: 'blog', email: 'Nobody@Example.com' });
    assert.equal(unknown.status, 202);
    assert.deepEqual(await json<ManageLinkResponse>(unknown), {
      email: 'nobody@example.com',
      linkHours: 24,
    });
    const known = await ask({ site: 'blog', email: GRACE });
    assert.equal(known.status, 202);
    assert.deepEqual(await json(known), { email: GRACE, linkHours: 24 });
    await inbox.waitFor(GRACE, 2);
    for (const [body, origin, status, code] of [
      [{ site: 'blog', email: 'not an address' }, ORIGIN, 422, 'validation_failed'],
      [{ site: 'blog', email: '' }, ORIGIN, 422, 'validation_failed'],
      [{ site: 'blog' }, ORIGIN, 422, 'validation_failed'],
      [{ site: 'nope', email: GRACE }, ORIGIN, 404, 'site_not_found'],
      [{ site: 'blog', email: GRACE }, 'https://evil.example', 403, 'origin_not_allowed'],
      [{ site: 'blog', email: GRACE }, null, 403, 'origin_not_allowed'],
    ] as const) {
      const response = await ask(body, origin);
      assert.equal(response.status, status, JSON.stringify(body));
      assert.equal(response.headers.get('Content-Type'), 'application/problem+json');
      assert.equal((await json<Problem>(response)).code, code);
    }
    const form = await t.request('/api/v1/manage-link', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ site: 'blog', email: GRACE }),
    });
    assert.equal(form.status, 415);
    assert.equal(inbox.to(GRACE).length, 2, 'nothing more was mailed');
  });

  it('lists every comment of the address on this site, newest first, held and spam too', async () => {
    token = await linkFor(GRACE);
    const response = await list(token);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('Referrer-Policy'), 'no-referrer');
    assert.match(response.headers.get('Content-Security-Policy') ?? '', /form-action 'self'/);
    const html = await response.text();
    assert.doesNotMatch(html, /<script/);
    assert.match(html, /<h1>Your comments on The Garden<\/h1>/);
    assert.match(textOf(html), /Written with grace@example\.com\./);
    const listed = [
      ...html.matchAll(/href="https:\/\/blog\.example\/[ab]\/#comment-([0-9a-f-]{36})"/g),
    ].map((m) => m[1]);
    assert.deepEqual(listed, [ids.spam, ids.held, ids.alone, ids.answered]);
    const text = textOf(html);
    assert.match(text, /“Beans” · .+ · Held as spam Marked as spam later\./);
    assert.match(text, /“Beans” · .+ · Held for review Try my casino tips\./);
    assert.match(
      text,
      /“Tomatoes” · 14 March 2026 at 12:00 UTC · Published Which variety splits least\?/,
    );
    assert.doesNotMatch(text, /Another Grace|San Marzano|On the other site/);
    assert.match(text, /“Beans”: every new comment \(not confirmed\)/);
    // The token goes only in the forms' bodies: never in a link or an action.
    const inUrls = [...html.matchAll(/(?:href|action)="([^"]*)"/g)].filter((m) =>
      (m[1] ?? '').includes(token),
    );
    assert.deepEqual(inUrls, []);
    assert.ok(html.includes(`<input type="hidden" name="token" value="${token}">`));
    assert.equal((html.match(/>Edit<\/button>/g) ?? []).length, 4, 'inside the edit window');
    assert.equal((html.match(/>Delete<\/button>/g) ?? []).length, 4);
    assert.match(html, />Download my data<\/button>/);
    assert.match(html, />Erase everything<\/button>/);
    // The same list from the "Back to your comments" button (the token in the body).
    const again = await submit('/manage/comments', { token });
    assert.equal(again.status, 200);
    assert.equal(
      [...(await again.text()).matchAll(/#comment-([0-9a-f-]{36})"/g)].length,
      listed.length,
    );
  });

  it('changes nothing on a GET, whatever it carries', async () => {
    const snapshot = () => t.deps.db.selectFrom('comments').selectAll().orderBy('id').execute();
    const before = await snapshot();
    const query = `token=${encodeURIComponent(token)}&comment=${ids.alone ?? ''}&confirm=yes&body=x`;
    assert.equal((await list(token)).status, 200);
    assert.equal((await t.request(`/manage/comments?${query}`, { origin: null })).status, 200);
    for (const path of ['/manage/delete', '/manage/erase', '/manage/edit', '/manage/export']) {
      const response = await t.request(`${path}?${query}`, { origin: null });
      assert.equal(response.status, 405, path);
      assert.equal(response.headers.get('Allow'), 'POST');
    }
    assert.deepEqual(await snapshot(), before);
  });

  it('edits inside the edit window with the edit rules, and not after it', async () => {
    const form = await submit('/manage/edit', { token, comment: ids.alone ?? '' });
    assert.equal(form.status, 200);
    const formHtml = await form.text();
    assert.match(
      formHtml,
      /<textarea name="body" rows="8" required>Nobody answered this\.<\/textarea>/,
    );
    assert.match(formHtml, /<form method="post" action="edit"/);

    const empty = await submit('/manage/edit', { token, comment: ids.alone ?? '', body: '  ' });
    assert.equal(empty.status, 422);
    assert.match(await empty.text(), /<textarea name="body" rows="8" required> {2}<\/textarea>/);

    const saved = await submit('/manage/edit', {
      token,
      comment: ids.alone ?? '',
      body: 'Nobody answered this *yet*.',
    });
    assert.equal(saved.status, 200);
    assert.match(
      textOf(await saved.text()),
      /Saved .*Your comment on “Beans” now says what you wrote\./,
    );
    const b = await thread('/b/');
    const shown = b.comments.find((c) => c.id === ids.alone);
    assert.equal(shown?.html, '<p>Nobody answered this <em>yet</em>.</p>');
    assert.ok(shown.editedAt !== null);

    // The hold rules again: edited into the blocklist, it goes back to the moderators.
    const held = await submit('/manage/edit', {
      token,
      comment: ids.alone ?? '',
      body: 'Visit my casino.',
    });
    assert.equal(held.status, 200);
    assert.match(textOf(await held.text()), /Saved, and held for review .*waits for a moderator/);
    const row = await commentRow(ids.alone ?? '');
    assert.deepEqual([row?.status, row?.held_reason], ['pending', 'blocklist']);
    const events = await t.deps.db
      .selectFrom('events')
      .select('kind')
      .where('comment_id', '=', ids.alone ?? '')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      events.map((e) => e.kind),
      ['comment.created', 'comment.edited', 'comment.edited', 'comment.held'],
    );
    // Put back as it was for the tests after this one.
    await t.deps.db
      .updateTable('comments')
      .set({ status: 'published', held_reason: null })
      .where('id', '=', ids.alone ?? '')
      .execute();

    // A comment that is not the address's is not found, and stays as it was.
    const foreign = await submit('/manage/edit', {
      token,
      comment: ids.namesake ?? '',
      body: 'Mine now',
    });
    assert.equal(foreign.status, 404);
    assert.equal(
      (await commentRow(ids.namesake ?? ''))?.body_source,
      'Another Grace, another address.',
    );

    // After the window (15 minutes): no Edit button, and an edit is refused.
    t.advance(16 * 60_000);
    const later = await list(token);
    const laterHtml = await later.text();
    assert.doesNotMatch(laterHtml, />Edit<\/button>/);
    assert.equal((laterHtml.match(/>Delete<\/button>/g) ?? []).length, 4, 'delete stays');
    const closed = await submit('/manage/edit', {
      token,
      comment: ids.alone ?? '',
      body: 'Too late.',
    });
    assert.equal(closed.status, 403);
    assert.match(textOf(await closed.text()), /The time to edit this comment has passed/);
    const asJson = await submit(
      '/manage/edit',
      { token, comment: ids.alone ?? '', body: 'Too late.' },
      { accept: 'application/json' },
    );
    assert.equal(asJson.status, 403);
    assert.equal(asJson.headers.get('Content-Type'), 'application/problem+json');
    assert.equal((await json<Problem>(asJson)).code, 'edit_window_closed');
    assert.equal((await commentRow(ids.alone ?? ''))?.body_source, 'Visit my casino.');
  });

  it('downloads the address’s data on this site as JSON', async () => {
    const response = await submit('/manage/export', { token });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('Content-Type') ?? '', /^application\/json/);
    assert.match(
      response.headers.get('Content-Disposition') ?? '',
      /^attachment; filename="confab-blog-comments-2026-03-14\.json"$/,
    );
    assert.equal(response.headers.get('Cache-Control'), 'no-store');
    const data = await json<GuestExport>(response);
    assert.equal(data.format, 'confab-guest-data');
    assert.equal(data.version, 1);
    assert.equal(data.site, 'blog');
    assert.equal(data.email, GRACE);
    assert.deepEqual(
      data.comments.map((c) => [c.id, c.status, c.thread.key]),
      [
        [ids.answered, 'published', '/a/'],
        [ids.alone, 'published', '/b/'],
        [ids.held, 'pending', '/b/'],
        [ids.spam, 'spam', '/b/'],
      ],
    );
    assert.equal(data.comments[0]?.authorEmail, 'Grace@Example.com');
    assert.equal(data.comments[0].source, 'Which variety splits least?');
    assert.deepEqual(
      data.subscriptions.map((s) => [s.thread.key, s.email, s.scope, s.status]),
      [['/b/', GRACE, 'all', 'pending']],
    );
    assert.ok(!JSON.stringify(data).includes('Another Grace'), 'no other address');
  });

  it('deletes at any time after a confirmation; a placeholder where others replied', async () => {
    const ask = await submit('/manage/delete', { token, comment: ids.held ?? '' });
    assert.equal(ask.status, 200);
    const askHtml = await ask.text();
    assert.match(askHtml, /<h1>Delete this comment\?<\/h1>/);
    assert.match(askHtml, /<input type="hidden" name="confirm" value="yes">/);
    assert.equal((await commentRow(ids.held ?? ''))?.status, 'pending', 'nothing yet');

    const done = await submit('/manage/delete', { token, comment: ids.held ?? '', confirm: 'yes' });
    assert.equal(done.status, 200);
    assert.match(textOf(await done.text()), /Deleted It is gone from the page\./);
    assert.equal(await commentRow(ids.held ?? ''), undefined);
    const twice = await submit('/manage/delete', {
      token,
      comment: ids.held ?? '',
      confirm: 'yes',
    });
    assert.equal(twice.status, 404);
    const notTheirs = await submit('/manage/delete', {
      token,
      comment: ids.adaReply ?? '',
      confirm: 'yes',
    });
    assert.equal(notTheirs.status, 404);
    assert.equal((await commentRow(ids.adaReply ?? ''))?.status, 'published');
    const event = await t.deps.db
      .selectFrom('events')
      .select(['kind', 'detail'])
      .where('comment_id', '=', ids.held ?? '')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.deepEqual(event, { kind: 'comment.deleted', detail: '{"placeholder":0}' });
  });

  it('erases everything: placeholders where others replied, subscriptions and waiting mail gone, other addresses untouched', async () => {
    // Mail still waiting for Grace: a confirmation for a new subscription, not yet sent.
    ids.late = await say({
      thread: '/c/',
      body: 'One more, tell me.',
      author: { name: 'Grace', email: GRACE },
      notify: 'replies',
    });
    const waiting = await t.deps.db
      .selectFrom('outbox')
      .select(['id', 'status'])
      .where('recipient', '=', GRACE)
      .where('status', '=', 'queued')
      .execute();
    // The first subscription's confirmation was never sent either (nothing flushed yet).
    assert.equal(waiting.length, 2);

    const ask = await submit('/manage/erase', { token });
    assert.equal(ask.status, 200);
    assert.match(
      textOf(await ask.text()),
      /This erases the 4 comments written with grace@example\.com on The Garden \(published, held and spam alike\) and its 2 subscriptions/,
    );
    assert.ok(await commentRow(ids.answered ?? ''), 'nothing yet');

    const done = await submit('/manage/erase', { token, confirm: 'yes' });
    assert.equal(done.status, 200);
    const doneHtml = await done.text();
    assert.match(
      textOf(doneHtml),
      /Erased 3 comments removed, 1 comment left as “This comment was deleted” where others replied, 2 subscriptions removed\./,
    );
    assert.match(doneHtml, /<a href="https:\/\/blog\.example">Back to The Garden<\/a>/);

    // Thread /a/: her question stays as a placeholder under Ada's reply; the namesake stays.
    const a = await thread('/a/');
    assert.deepEqual(
      a.comments.map((c) => [c.id, c.status, c.author?.name ?? null, c.html]),
      [
        [ids.answered, 'deleted', null, ''],
        [ids.adaReply, 'published', 'Ada', '<p>San Marzano, in my garden.</p>'],
        [ids.namesake, 'published', 'Grace', '<p>Another Grace, another address.</p>'],
      ],
    );
    const placeholder = await commentRow(ids.answered ?? '');
    assert.deepEqual(
      [
        placeholder?.author_name,
        placeholder?.author_email,
        placeholder?.email_hash,
        placeholder?.ip_hash,
        placeholder?.body_source,
      ],
      [null, null, null, null, ''],
    );
    assert.equal((await thread('/b/')).comments.length, 0);
    // No name or address of hers is stored with a comment of this site any more.
    const left = await t.deps.db
      .selectFrom('comments')
      .innerJoin('threads', 'threads.id', 'comments.thread_id')
      .select('comments.id')
      .where('threads.site_id', '=', 'blog')
      .where((eb) =>
        eb.or([
          eb('comments.email_hash', '=', hashEmail(t.deps.secret, GRACE) ?? ''),
          eb('comments.author_email', 'like', 'grace@example.com'),
        ]),
      )
      .execute();
    assert.deepEqual(left, []);
    // The other site keeps what she wrote there.
    assert.equal((await commentRow(ids.elsewhere ?? ''))?.status, 'published');

    const subscriptions = await t.deps.db
      .selectFrom('subscriptions')
      .select('id')
      .where('email', '=', GRACE)
      .execute();
    assert.deepEqual(subscriptions, []);
    const outbox = await t.deps.db
      .selectFrom('outbox')
      .select(['status', 'last_error'])
      .where(
        'id',
        'in',
        waiting.map((w) => w.id),
      )
      .execute();
    assert.deepEqual(outbox, [
      { status: 'cancelled', last_error: 'The reader erased their data.' },
      { status: 'cancelled', last_error: 'The reader erased their data.' },
    ]);
    await flushNotifications(t.deps);
    const mails = inbox.to(GRACE).length;

    const deleted = await t.deps.db
      .selectFrom('events')
      .select('comment_id')
      .where('kind', '=', 'comment.deleted')
      .where('comment_id', 'in', [ids.answered ?? '', ids.alone ?? '', ids.spam ?? '', ids.late])
      .execute();
    assert.equal(deleted.length, 4, 'an event for each');

    // The link still opens, with nothing left; asking again mails nothing.
    t.advance(3_600_000);
    assert.match(
      textOf(await (await list(token)).text()),
      /Nothing written with this address is here any more/,
    );
    const again = await submit('/manage', { site: 'blog', email: GRACE }, { ip: '198.51.100.9' });
    assert.equal(again.status, 200);
    await flushNotifications(t.deps);
    assert.equal(inbox.to(GRACE).length, mails);
  });

  it('refuses altered, other-site and expired links with a page that offers a new one', async () => {
    const token = await linkFor('ada@example.com', '198.51.100.4');
    assert.equal((await list(token)).status, 200);
    const [site, expires, address, signature] = token.split('.') as [
      string,
      string,
      string,
      string,
    ];
    const bad = [
      `${site}.${expires}.${address}.${'A'.repeat(32)}`,
      `other.${expires}.${address}.${signature}`,
      `${site}.${String(Number(expires) + 86_400)}.${address}.${signature}`,
      `${site}.${expires}.${Buffer.from(GRACE).toString('base64url')}.${signature}`,
      `${site}.${expires}.${address}`,
      'x',
    ];
    for (const forged of bad) {
      const response = await list(forged);
      assert.equal(response.status, 403, forged);
      assert.match(response.headers.get('Content-Type') ?? '', /^text\/html/);
      const html = await response.text();
      assert.match(html, /This link is not valid/);
      if (forged.startsWith('blog.')) {
        assert.match(html, /<a href="\.\.\/manage\?site=blog">Ask for a new link<\/a>/);
      }
      const post = await submit('/manage/erase', { token: forged, confirm: 'yes' });
      assert.equal(post.status, 403);
    }
    assert.equal((await list('')).status, 403);
    const asJson = await t.request(`/manage/comments?token=${bad[0] ?? ''}`, {
      origin: null,
      headers: { Accept: 'application/json' },
    });
    assert.equal(asJson.headers.get('Content-Type'), 'application/problem+json');
    assert.equal((await json<Problem>(asJson)).code, 'invalid_link');

    t.advance(24 * 3_600_000);
    const expired = await list(token);
    assert.equal(expired.status, 410);
    const html = await expired.text();
    assert.match(html, /Links to your comments work for 24 hours/);
    assert.match(html, /<a href="\.\.\/manage\?site=blog">Ask for a new link<\/a>/);
    const late = await submit('/manage/delete', {
      token,
      comment: ids.adaReply ?? '',
      confirm: 'yes',
    });
    assert.equal(late.status, 410);
    assert.equal((await commentRow(ids.adaReply ?? ''))?.status, 'published');
  });

  it('refuses forms sent from anywhere but its own pages', async () => {
    const token = await linkFor('ada@example.com', '198.51.100.5');
    const form = { token, comment: ids.adaReply ?? '', confirm: 'yes' };
    for (const [origin, fetchSite] of [
      ['https://evil.example', 'cross-site'],
      ['https://evil.example', null],
      ['null', 'cross-site'],
      ['null', null],
      [null, null],
      [OWN, 'cross-site'],
    ] as const) {
      const response = await submit('/manage/delete', form, { origin, fetchSite });
      assert.equal(response.status, 403, `${String(origin)} ${String(fetchSite)}`);
      assert.match(textOf(await response.text()), /works only from its own page/);
      const ask = await submit('/manage', { site: 'blog', email: GRACE }, { origin, fetchSite });
      assert.equal(ask.status, 403);
    }
    assert.equal((await commentRow(ids.adaReply ?? ''))?.status, 'published');
    // A script on this server's origin (no Sec-Fetch-Site) may, with the token.
    const own = await submit('/manage/comments', { token }, { origin: OWN, fetchSite: null });
    assert.equal(own.status, 200);
  });

  it('limits asking per address and per client', async () => {
    // Per address: three an hour, from anywhere; the fourth is refused, known or not.
    for (const email of ['grace@other.example', 'nobody-at-all@example.com']) {
      for (const n of [1, 2, 3]) {
        const ok = await submit('/manage', { site: 'blog', email }, { ip: `192.0.2.${String(n)}` });
        assert.equal(ok.status, 200, `${email} ${String(n)}`);
      }
      const fourth = await submit('/manage', { site: 'blog', email }, { ip: '192.0.2.4' });
      assert.equal(fourth.status, 429);
      assert.match(fourth.headers.get('Retry-After') ?? '', /^\d+$/);
      assert.match(textOf(await fourth.text()), /At most 3 links to one address per hour/);
    }
    // Per client: ten an hour, whatever the addresses.
    for (let n = 0; n < 10; n++) {
      const ok = await submit(
        '/manage',
        { site: 'blog', email: `r${String(n)}@example.com` },
        { ip: '192.0.2.50' },
      );
      assert.equal(ok.status, 200);
    }
    const eleventh = await submit(
      '/manage',
      { site: 'blog', email: 'r10@example.com' },
      { ip: '192.0.2.50' },
    );
    assert.equal(eleventh.status, 429);
    const api = await t.request('/api/v1/manage-link', {
      method: 'POST',
      ip: '192.0.2.50',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ site: 'blog', email: 'r11@example.com' }),
    });
    assert.equal(api.status, 429);
    assert.equal((await json<Problem>(api)).code, 'rate_limited');
    // An hour later, asking works again.
    t.advance(3_600_000);
    const later = await submit(
      '/manage',
      { site: 'blog', email: 'r10@example.com' },
      { ip: '192.0.2.50' },
    );
    assert.equal(later.status, 200);
  });

  it('re-shows the form for an address that is not one', async () => {
    const bad = await submit(
      '/manage',
      { site: 'blog', email: 'a@b.c\r\nBcc: x@y.z' },
      { ip: '192.0.2.90' },
    );
    assert.equal(bad.status, 422);
    const html = await bad.text();
    assert.match(html, /class="error">Please enter an email address like name@example\.com\./);
    assert.match(html, /<input type="email" name="email"/);
  });
});

describe('subscriptions in a signed-in reader’s data rights', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('exports and erases the account’s subscriptions and the others of its addresses', async () => {
    const kim = await signedIn(t, { name: 'Kim' });
    const signedInPost = await t.post(
      {
        site: 'blog',
        thread: '/k/',
        body: 'Signed in.',
        notify: 'replies',
        notifyEmail: 'Kim@Example.com',
      },
      { headers: kim.auth },
    );
    assert.equal(signedInPost.status, 201);
    t.advance(1000);
    // The same address, ticked as a guest on another post; and somebody else's.
    for (const [email, thread] of [
      ['kim@example.com', '/k2/'],
      ['lee@example.com', '/k2/'],
    ] as const) {
      const response = await t.post(
        guestComment({ thread, author: { name: 'Guest', email }, notify: 'all' }),
      );
      assert.equal(response.status, 201);
      t.advance(1000);
    }
    const exported = await t.request('/api/v1/me/export', { headers: kim.auth });
    const data = await json<ReaderExport>(exported);
    assert.deepEqual(
      data.subscriptions.map((s) => [s.thread.key, s.email, s.scope]),
      [
        ['/k/', 'kim@example.com', 'replies'],
        ['/k2/', 'kim@example.com', 'all'],
      ],
    );
    const erased = await t.request('/api/v1/me', { method: 'DELETE', headers: kim.auth });
    assert.equal(erased.status, 204);
    const left = await t.deps.db.selectFrom('subscriptions').select('email').execute();
    assert.deepEqual(left, [{ email: 'lee@example.com' }]);
    const mail = await t.deps.db
      .selectFrom('outbox')
      .select(['recipient', 'status'])
      .orderBy('recipient')
      .execute();
    assert.deepEqual(mail, [
      { recipient: 'kim@example.com', status: 'cancelled' },
      { recipient: 'kim@example.com', status: 'cancelled' },
      { recipient: 'lee@example.com', status: 'queued' },
    ]);
  });
});

/** Keeps every query a service sends, to explain it afterwards. */
function recorder(): KyselyPlugin & { queries: RootOperationNode[] } {
  const queries: RootOperationNode[] = [];
  return {
    queries,
    transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
      queries.push(node);
      return node;
    },
    transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return Promise.resolve(result);
    },
  };
}

describe('guest data: query plans', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
    for (let i = 0; i < 30; i++) {
      const response = await t.post(
        guestComment({
          thread: `/p${String(i % 3)}/`,
          body: `Comment ${String(i)} on something`,
          author: { name: 'R', email: `r${String(i % 5)}@example.com` },
          notify: i % 2 === 0 ? 'all' : undefined,
        }),
      );
      assert.equal(response.status, 201);
    }
  });
  after(() => t.close());

  it('finds an address’s comments and subscriptions, and an account’s, through indexes', async () => {
    const record = recorder();
    const deps: Deps = { ...t.deps, db: t.deps.db.withPlugin(record) };
    const emailHash = hashEmail(t.deps.secret, 'r1@example.com') ?? '';
    const site = await getSite(t.deps, 'blog');
    await viewGuestData(deps, { site, email: 'r1@example.com', emailHash, expiresAt: '' });
    await findSubscriptionsByUser(deps.db, 'someone', 'blog');
    const executor = t.deps.db.getExecutor();
    let explained = 0;
    for (const [i, node] of record.queries.entries()) {
      if (node.kind !== 'SelectQueryNode') continue;
      const compiled = executor.compileQuery(node, { queryId: `plan-${String(i)}` });
      const plan = await t.deps.db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
      );
      for (const { detail } of plan.rows) {
        assert.doesNotMatch(
          detail,
          /^SCAN (comments|subscriptions)\b(?! USING)/,
          `${compiled.sql}\n${detail}`,
        );
      }
      explained += 1;
    }
    assert.equal(explained, 3);
  });
});
