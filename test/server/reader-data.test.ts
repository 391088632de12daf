import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CreateCommentResponse, Problem, ThreadResponse } from '../../server/contract.js';
import type { ReaderExport } from '../../server/services/data/reader-data.js';
import { createSession } from '../../server/services/sign-in/sessions.js';
import { addSite, updateSite } from '../../server/services/sites/sites.js';
import { upsertUser } from '../../server/store/users.js';
import { json, makeTestApp, ORIGIN, type TestApp } from './helpers.js';
import { runCli } from './support/cli.js';
import { skeleton } from '../../server/services/common/names.js';

const OTHER = 'https://other.example';

interface Reader {
  userId: string;
  /** Bearer tokens by site. */
  tokens: Record<string, string>;
}

async function signUp(t: TestApp, subject: string, name: string, sites: string[]): Promise<Reader> {
  const now = t.deps.now().toISOString();
  const user = await upsertUser(t.deps.db, {
    id: randomUUID(),
    provider: 'github',
    subject,
    name,
    name_key: skeleton(name),
    avatar_url: `https://avatars.example/${subject}.png`,
    profile_url: `https://github.example/${name}`,
    created_at: now,
    updated_at: now,
  });
  const tokens: Record<string, string> = {};
  for (const site of sites) {
    const session = await createSession(t.deps, {
      userId: user.id,
      siteId: site,
      origin: site === 'blog' ? ORIGIN : OTHER,
    });
    tokens[site] = session.token;
  }
  return { userId: user.id, tokens };
}

async function say(
  t: TestApp,
  reader: Reader,
  thread: string,
  body: string,
  options: { site?: string; parentId?: string } = {},
): Promise<string> {
  const site = options.site ?? 'blog';
  const res = await t.post(
    { site, thread, body, parentId: options.parentId },
    {
      origin: site === 'blog' ? ORIGIN : OTHER,
      headers: { Authorization: `Bearer ${reader.tokens[site] ?? ''}` },
    },
  );
  assert.equal(res.status, 201, await res.clone().text());
  t.advance(1000);
  return (await json<CreateCommentResponse>(res)).comment.id;
}

function asReader(t: TestApp, path: string, token: string, init: RequestInit = {}) {
  return t.request(path, { ...init, headers: { Authorization: `Bearer ${token}` } });
}

async function thread(t: TestApp, key: string, site = 'blog'): Promise<ThreadResponse> {
  const res = await t.request(`/api/v1/threads?site=${site}&thread=${key}`, {
    origin: site === 'blog' ? ORIGIN : OTHER,
  });
  return json<ThreadResponse>(res);
}

const hashOf = (token: string): string => createHash('sha256').update(token).digest('base64url');

describe('reader data rights: GET /api/v1/me/export and DELETE /api/v1/me', () => {
  let t: TestApp;
  let ann: Reader;
  let bob: Reader;
  const ids: Record<string, string> = {};

  before(async () => {
    t = await makeTestApp();
    await addSite(t.deps, 'other', { origins: [OTHER], rateLimit: 0 });
    ann = await signUp(t, '1001', 'ann', ['blog', 'other']);
    bob = await signUp(t, '1002', 'bob', ['blog']);
    await updateSite(t.deps, 'blog', { moderators: ['github:1001'] });
    ids.answered = await say(t, ann, '/a/', 'First *thoughts*');
    ids.bobReply = await say(t, bob, '/a/', 'Bob answers', { parentId: ids.answered });
    ids.annReply = await say(t, ann, '/a/', 'Ann again', { parentId: ids.bobReply });
    ids.alone = await say(t, ann, '/b/', 'Nobody answered this');
    ids.elsewhere = await say(t, ann, '/c/', 'On the other site', { site: 'other' });
  });
  after(() => t.close());

  it('refuses both without a working session (401 problem+json)', async () => {
    for (const [path, method] of [
      ['/api/v1/me/export', 'GET'],
      ['/api/v1/me', 'DELETE'],
    ] as const) {
      const none = await t.request(path, { method });
      assert.equal(none.status, 401);
      assert.match(none.headers.get('Content-Type') ?? '', /application\/problem\+json/);
      assert.equal((await json<Problem>(none)).code, 'not_signed_in');
      const bad = await asReader(t, path, 'not-a-token', { method });
      assert.equal(bad.status, 401);
    }
    // A token only works from the origin it was issued to.
    const stolen = await t.request('/api/v1/me/export', {
      origin: 'https://evil.example',
      headers: { Authorization: `Bearer ${ann.tokens.blog ?? ''}` },
    });
    assert.equal(stolen.status, 401);
  });

  it('answers other methods with 405 and Allow', async () => {
    const put = await asReader(t, '/api/v1/me', ann.tokens.blog ?? '', { method: 'PUT' });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get('Allow'), 'GET, DELETE');
    const post = await asReader(t, '/api/v1/me/export', ann.tokens.blog ?? '', {
      method: 'POST',
    });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('Allow'), 'GET');
  });

  it('exports the account, comments, sessions and roles on this site as a download', async () => {
    const token = ann.tokens.blog ?? '';
    const res = await asReader(t, '/api/v1/me/export', token);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('Content-Type') ?? '', /^application\/json/);
    assert.match(
      res.headers.get('Content-Disposition') ?? '',
      /^attachment; filename="confab-blog-2026-03-14\.json"$/,
    );
    assert.equal(res.headers.get('Cache-Control'), 'no-store');
    const text = await res.text();
    assert.ok(!text.includes(token), 'never the token');
    assert.ok(!text.includes(hashOf(token)), 'never its hash');
    const data = JSON.parse(text) as ReaderExport;
    assert.equal(data.format, 'confab-reader-data');
    assert.equal(data.version, 1);
    assert.equal(data.site, 'blog');
    assert.deepEqual(
      { ...data.account, id: undefined, createdAt: undefined, updatedAt: undefined },
      {
        id: undefined,
        account: 'github:1001',
        provider: 'github',
        providerId: '1001',
        name: 'ann',
        avatarUrl: 'https://avatars.example/1001.png',
        profileUrl: 'https://github.example/ann',
        email: null,
        createdAt: undefined,
        updatedAt: undefined,
      },
    );
    assert.deepEqual(data.roles, [{ site: 'blog', role: 'moderator' }]);
    // This site's comments only, oldest first, with what the reader wrote.
    assert.deepEqual(
      data.comments.map((c) => [c.id, c.thread.key, c.source, c.status, c.parentId]),
      [
        [ids.answered, '/a/', 'First *thoughts*', 'published', null],
        [ids.annReply, '/a/', 'Ann again', 'published', ids.bobReply],
        [ids.alone, '/b/', 'Nobody answered this', 'published', null],
      ],
    );
    assert.equal(data.comments[0]?.html, '<p>First <em>thoughts</em></p>');
    assert.equal(data.comments[0].createdAt, '2026-03-14T12:00:00.000Z');
    // This site's session, marked as the one asking; no session of the other site.
    assert.deepEqual(
      data.sessions.map((s) => [s.site, s.origin, s.current, s.revokedAt]),
      [['blog', ORIGIN, true, null]],
    );
  });

  it('erases: placeholders where others replied, gone elsewhere, sessions revoked', async () => {
    const res = await asReader(t, '/api/v1/me', ann.tokens.blog ?? '', { method: 'DELETE' });
    assert.equal(res.status, 204);
    assert.equal(await res.text(), '');

    // The old tokens are refused, on this site and on the other one.
    const me = await asReader(t, '/api/v1/me', ann.tokens.blog ?? '');
    assert.equal(me.status, 401);
    const again = await asReader(t, '/api/v1/me/export', ann.tokens.blog ?? '');
    assert.equal(again.status, 401);
    const other = await t.request('/api/v1/me', {
      origin: OTHER,
      headers: { Authorization: `Bearer ${ann.tokens.other ?? ''}` },
    });
    assert.equal(other.status, 401);

    // Thread /a/: Ann's first comment is a placeholder (Bob answered it); her reply is gone.
    const a = await thread(t, '/a/');
    assert.deepEqual(
      a.comments.map((c) => [c.id, c.status, c.author?.name ?? null, c.html, c.parentId]),
      [
        [ids.answered, 'deleted', null, '', null],
        [ids.bobReply, 'published', 'bob', '<p>Bob answers</p>', ids.answered],
      ],
    );
    const text = JSON.stringify(a);
    assert.ok(!text.includes('ann') && !text.includes('First'), 'no name and no text left');

    // Thread /b/ had only her comment: it is gone with the thread.
    assert.equal((await thread(t, '/b/')).comments.length, 0);
    const thread_ = await t.deps.db
      .selectFrom('threads')
      .select('id')
      .where('key', '=', '/b/')
      .executeTakeFirst();
    assert.equal(thread_, undefined);

    // Stored placeholder: no account link, no name, no text.
    const row = await t.deps.db
      .selectFrom('comments')
      .selectAll()
      .where('id', '=', ids.answered ?? '')
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [row.status, row.user_id, row.author_name, row.body_source, row.body_html],
      ['deleted', null, null, '', ''],
    );

    // Her comment on the other site stays, so does her account; her role here does not.
    const c = await thread(t, '/c/', 'other');
    assert.equal(c.comments[0]?.author?.name, 'ann');
    const user = await t.deps.db
      .selectFrom('users')
      .select('name')
      .where('id', '=', ann.userId)
      .executeTakeFirst();
    assert.equal(user?.name, 'ann');
    const roles = await t.deps.db
      .selectFrom('site_roles')
      .selectAll()
      .where('subject', '=', '1001')
      .execute();
    assert.deepEqual(roles, []);
  });

  it('deletes the account when nothing of it is left on another site', async () => {
    const cy = await signUp(t, '1003', 'cy', ['blog']);
    const own = await say(t, cy, '/d/', 'Mine only');
    const reply = await say(t, bob, '/d/', 'Bob on Cy', { parentId: own });
    const res = await asReader(t, '/api/v1/me', cy.tokens.blog ?? '', { method: 'DELETE' });
    assert.equal(res.status, 204);
    const users = await t.deps.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', cy.userId)
      .execute();
    assert.deepEqual(users, []);
    const sessions = await t.deps.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('user_id', '=', cy.userId)
      .execute();
    assert.deepEqual(sessions, []);
    const d = await thread(t, '/d/');
    assert.deepEqual(
      d.comments.map((c) => [c.id, c.status]),
      [
        [own, 'deleted'],
        [reply, 'published'],
      ],
    );
    // Bob deleting his reply now takes the empty placeholder with it.
    const gone = await asReader(t, `/api/v1/comments/${reply}`, bob.tokens.blog ?? '', {
      method: 'DELETE',
    });
    assert.equal(gone.status, 200);
    assert.equal((await thread(t, '/d/')).comments.length, 0);
  });

  it('keeps a banned account recognisable, without its name', async () => {
    const dee = await signUp(t, '1004', 'dee', ['blog']);
    await say(t, dee, '/e/', 'Spam spam');
    await t.deps.db
      .insertInto('bans')
      .values({
        id: randomUUID(),
        site_id: 'blog',
        kind: 'user',
        value: dee.userId,
        label: 'dee',
        reason: 'spam',
        created_by: 'system:cli',
        created_at: t.deps.now().toISOString(),
        expires_at: null,
        lifted_at: null,
      })
      .execute();
    const res = await asReader(t, '/api/v1/me', dee.tokens.blog ?? '', { method: 'DELETE' });
    assert.equal(res.status, 204);
    const user = await t.deps.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', dee.userId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [user.provider, user.subject, user.name, user.avatar_url, user.profile_url],
      ['github', '1004', '', null, null],
    );
    assert.equal((await thread(t, '/e/')).comments.length, 0);
  });
  it('lets the owner export and erase an account from the command line', async () => {
    const eve = await signUp(t, '1005', 'eve', ['blog', 'other']);
    await say(t, eve, '/f/', 'Eve here');
    await say(t, eve, '/g/', 'Eve there', { site: 'other' });
    const confab = (...args: string[]) => runCli(args, { CONFAB_DB: join(t.dir, 'confab.sqlite') });

    const exported = await confab('user', 'export', 'github:1005');
    assert.equal(exported.status, 0, exported.stderr);
    const data = JSON.parse(exported.stdout) as ReaderExport;
    assert.equal(data.site, null, 'every site');
    assert.deepEqual(
      data.comments.map((c) => [c.site, c.source]),
      [
        ['blog', 'Eve here'],
        ['other', 'Eve there'],
      ],
    );
    assert.equal(data.sessions.length, 2);

    const one = await confab('user', 'erase', 'github:1005', '--site', 'other');
    assert.equal(one.status, 0, one.stderr);
    assert.match(one.stdout, /Erased github:1005 on other: 1 comment\(s\) removed/);
    assert.match(one.stdout, /account kept \(comments on other sites\)/);
    assert.equal((await thread(t, '/g/', 'other')).comments.length, 0);
    assert.equal((await thread(t, '/f/')).comments[0]?.author?.name, 'eve');

    const all = await confab('user', 'erase', 'github:1005');
    assert.equal(all.status, 0, all.stderr);
    assert.match(all.stdout, /on every site: 1 comment\(s\) removed.*account deleted/);
    assert.equal((await thread(t, '/f/')).comments.length, 0);
  });
});
