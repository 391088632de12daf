import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type {
  LikeCountsResponse,
  Problem,
  ReactionsResponse,
  ThreadLikes,
  ThreadResponse,
} from '../../server/contract.js';
import { importFile } from '../../server/import/index.js';
import { exportConfab } from '../../server/services/data/export.js';
import { upsertUser } from '../../server/store/users.js';
import { signedIn, type Account } from './support/accounts.js';
import { guestComment, json, makeTestApp, ORIGIN, type TestApp } from './helpers.js';

const token = (n: number | string) => `liker-token-${String(n).padStart(12, '0')}`;

interface Liking {
  liked: unknown;
  voter?: string;
  auth?: Account;
  ip?: string;
  origin?: string | null;
  extra?: Record<string, unknown>;
}

function like(t: TestApp, thread: string, l: Liking): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (l.voter !== undefined) headers['Confab-Voter'] = l.voter;
  if (l.auth !== undefined) Object.assign(headers, l.auth.auth);
  return t.request(`/api/v1/threads/like?site=blog&thread=${encodeURIComponent(thread)}`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ liked: l.liked, ...l.extra }),
    ip: l.ip ?? '198.51.100.30',
    ...(l.origin === undefined ? {} : { origin: l.origin }),
  });
}

async function liked(t: TestApp, thread: string, l: Liking): Promise<ThreadLikes> {
  const res = await like(t, thread, l);
  assert.equal(res.status, 200, await res.clone().text());
  return json<ThreadLikes>(res);
}

async function refused(t: TestApp, thread: string, l: Liking, status: number, code: string) {
  const res = await like(t, thread, l);
  assert.equal(res.status, status, await res.clone().text());
  assert.equal((await json<Problem>(res)).code, code);
}

async function reactions(t: TestApp, thread: string, headers: Record<string, string> = {}) {
  return json<ReactionsResponse>(
    await t.request(`/api/v1/reactions?site=blog&thread=${thread}`, { headers }),
  );
}

describe('PUT /api/v1/threads/like', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('counts a guest like once, takes it back, and tells only the liker they like it', async () => {
    await t.post(guestComment({ thread: '/liked/' }));
    assert.deepEqual(await liked(t, '/liked/', { liked: true, voter: token(1) }), {
      likeCount: 1,
      liked: true,
      likers: [],
    });
    // Once per reader: a repeat changes nothing.
    assert.equal((await liked(t, '/liked/', { liked: true, voter: token(1) })).likeCount, 1);
    const page = await json<ThreadResponse>(
      await t.request('/api/v1/threads?site=blog&thread=/liked/'),
    );
    assert.equal(page.thread.liked, false, 'a shared page says nothing of any reader');
    assert.equal(page.thread.likeCount, 1, 'the page counts the like');
    assert.deepEqual(page.thread.likers, [], 'guests are only counted');
    assert.equal((await reactions(t, '/liked/', { 'Confab-Voter': token(1) })).likes.liked, true);
    assert.deepEqual((await reactions(t, '/liked/')).likes, {
      likeCount: 1,
      liked: false,
      likers: [],
    });
    const events = await t.deps.db
      .selectFrom('events')
      .selectAll()
      .where('kind', '=', 'thread.liked')
      .execute();
    assert.deepEqual(
      events.map((e) => JSON.parse(e.detail ?? '{}') as unknown),
      [{ likes: 1 }],
    );
    assert.deepEqual(await liked(t, '/liked/', { liked: false, voter: token(1) }), {
      likeCount: 0,
      liked: false,
      likers: [],
    });
    const after = await json<ThreadResponse>(
      await t.request('/api/v1/threads?site=blog&thread=/liked/'),
    );
    assert.equal(
      after.thread.likeCount,
      0,
      'the kept page is not stale after the like is taken back',
    );
  });

  it('shows the newest ten signed-in likers with their public name and avatar', async () => {
    const readers: Account[] = [];
    for (let i = 0; i < 12; i++) {
      const reader = await signedIn(t, { name: `Reader ${String(i)}` });
      readers.push(reader);
      const user = await t.deps.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', reader.userId)
        .executeTakeFirstOrThrow();
      await upsertUser(t.deps.db, {
        ...user,
        avatar_url:
          i === 0 ? 'http://insecure.example/a.png' : `https://avatars.example/${String(i)}.png`,
        profile_url: `https://people.example/${String(i)}`,
      });
      await liked(t, '/avatars/', { liked: true, auth: reader });
      t.advance(1000);
    }
    await liked(t, '/avatars/', { liked: true, voter: token(2) });
    const likes = await liked(t, '/avatars/', { liked: true, auth: readers[0] });
    assert.equal(likes.likeCount, 13);
    assert.equal(likes.liked, true);
    assert.deepEqual(
      likes.likers.map((l) => l.name),
      [11, 10, 9, 8, 7, 6, 5, 4, 3, 2].map((i) => `Reader ${String(i)}`),
    );
    assert.deepEqual(likes.likers[0], {
      name: 'Reader 11',
      avatarUrl: 'https://avatars.example/11.png',
      url: 'https://people.example/11',
    });
    // No email, no id, no provider account: nothing a stranger should learn.
    assert.deepEqual(Object.keys(likes.likers[0] as object).sort(), ['avatarUrl', 'name', 'url']);
  });

  it('makes the thread of a post nobody has commented on, with its title', async () => {
    const first = await liked(t, '/fresh/', {
      liked: true,
      voter: token(3),
      extra: { threadTitle: 'A fresh post', threadUrl: `${ORIGIN}/fresh/?utm=x` },
    });
    assert.equal(first.likeCount, 1);
    const page = await json<ThreadResponse>(
      await t.request('/api/v1/threads?site=blog&thread=/fresh/'),
    );
    assert.equal(page.thread.title, 'A fresh post');
    assert.equal(page.thread.commentCount, 0);
    // Taking back a like nobody gave makes nothing.
    assert.deepEqual(await liked(t, '/never/', { liked: false, voter: token(3) }), {
      likeCount: 0,
      liked: false,
      likers: [],
    });
    const threads = await t.deps.db.selectFrom('threads').select('key').execute();
    assert.ok(!threads.some((r) => r.key === '/never/'));
    await refused(
      t,
      '/other-site-url/',
      { liked: true, voter: token(3), extra: { threadUrl: 'https://evil.example/x/' } },
      403,
      'origin_not_allowed',
    );
  });

  it('keeps a like when the thread loses its last comment', async () => {
    const res = await t.post(guestComment({ thread: '/kept/' }));
    const { comment, editToken } = await json<{ comment: { id: string }; editToken: string }>(res);
    await liked(t, '/kept/', { liked: true, voter: token(4) });
    const removed = await t.request(`/api/v1/comments/${comment.id}`, {
      method: 'DELETE',
      headers: { 'Confab-Edit-Token': editToken },
    });
    assert.equal(removed.status, 200);
    assert.equal((await reactions(t, '/kept/')).likes.likeCount, 1);
  });

  it('refuses bad requests, a second guest at one address, and readers who are nobody', async () => {
    await refused(t, '/bad/', { liked: 'yes', voter: token(5) }, 422, 'validation_failed');
    await refused(t, 'no-slash', { liked: true, voter: token(5) }, 422, 'validation_failed');
    await refused(t, '/bad/', { liked: true }, 401, 'voter_required');
    await refused(
      t,
      '/bad/',
      { liked: true, voter: token(5), origin: null },
      403,
      'origin_not_allowed',
    );
    await liked(t, '/bad/', { liked: true, voter: token(5), ip: '198.51.100.55' });
    await refused(
      t,
      '/bad/',
      { liked: true, voter: token(6), ip: '198.51.100.55' },
      409,
      'already_voted',
    );
    const site = await t.request('/api/v1/threads/like?site=nope&thread=/bad/', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'Confab-Voter': token(5) },
      body: JSON.stringify({ liked: true }),
    });
    assert.equal(site.status, 404);
    const missing = await t.request('/api/v1/threads/like?site=blog', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'Confab-Voter': token(5) },
      body: JSON.stringify({ liked: true }),
    });
    assert.equal(missing.status, 422);
  });

  it('shares the per-client limit with votes', async () => {
    const ip = '198.51.100.77';
    for (let i = 0; i < 30; i++) {
      await liked(t, `/many-${String(i % 5)}/`, { liked: true, voter: token('many'), ip });
      await liked(t, `/many-${String(i % 5)}/`, { liked: false, voter: token('many'), ip });
    }
    await refused(t, '/many-0/', { liked: true, voter: token('many'), ip }, 429, 'rate_limited');
    t.advance(60_000);
    await liked(t, '/many-0/', { liked: true, voter: token('many'), ip });
  });
});

describe('guests and likes on a site without guests', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({ site: { allowGuests: false } });
  });
  after(() => t.close());

  it('takes likes from signed-in readers only', async () => {
    await refused(t, '/closed/', { liked: true, voter: token(1) }, 403, 'guests_not_allowed');
    const reader = await signedIn(t, { name: 'Member' });
    assert.equal((await liked(t, '/closed/', { liked: true, auth: reader })).likeCount, 1);
  });
});

describe('GET /api/v1/likes', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('gives the like counts of several threads at once, under the keys as asked', async () => {
    await liked(t, '/a/', { liked: true, voter: token(1), ip: '198.51.100.1' });
    await liked(t, '/a/', { liked: true, voter: token(2), ip: '198.51.100.2' });
    await liked(t, '/b/', { liked: true, voter: token(1), ip: '198.51.100.1' });
    const counts = await json<LikeCountsResponse>(
      await t.request('/api/v1/likes?site=blog&thread=/a/&thread=/x/../b/&thread=/c/'),
    );
    assert.deepEqual(counts.likes, { '/a/': 2, '/x/../b/': 1, '/c/': 0 });
    assert.equal((await t.request('/api/v1/likes?site=blog')).status, 422);
    const many = Array.from({ length: 101 }, (_, i) => `thread=/p${String(i)}/`).join('&');
    assert.equal((await t.request(`/api/v1/likes?site=blog&${many}`)).status, 422);
  });
});

describe('votes and likes through confab export and import', () => {
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    a = await makeTestApp();
    b = await makeTestApp({ site: { name: 'empty' } });
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  it('restores every reader’s vote and like with the counts, and a second import changes nothing', async () => {
    const reader = await signedIn(a, { name: 'Voter' });
    const res = await a.post(guestComment({ thread: '/round/' }));
    const { comment } = await json<{ comment: { id: string } }>(res);
    const vote = (headers: Record<string, string>, value: number, ip: string) =>
      a.request(`/api/v1/comments/${comment.id}/vote`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ value }),
        ip,
      });
    assert.equal((await vote(reader.auth, 1, '198.51.100.1')).status, 200);
    assert.equal((await vote({ 'Confab-Voter': token('g1') }, -1, '198.51.100.2')).status, 200);
    assert.equal((await vote({ 'Confab-Voter': token('g2') }, 1, '198.51.100.3')).status, 200);
    await liked(a, '/round/', { liked: true, auth: reader });
    await liked(a, '/only-liked/', { liked: true, voter: token('g1'), ip: '198.51.100.2' });

    const dir = mkdtempSync(join(tmpdir(), 'confab-reactions-'));
    try {
      const file = join(dir, 'export.json');
      const chunks: string[] = [];
      await exportConfab(a.deps, 'blog', (chunk) => {
        chunks.push(chunk);
        return Promise.resolve();
      });
      writeFileSync(file, chunks.join(''));
      const data = JSON.parse(chunks.join('')) as { votes: unknown[]; likes: unknown[] };
      assert.equal(data.votes.length, 3);
      assert.equal(data.likes.length, 2);
      // Into another server's database (its own site `blog`, no comments yet).
      await importFile(b.deps, file, { site: 'blog', format: 'confab' });
      b.deps.siteCache.forget();
      for (const key of ['/round/', '/only-liked/']) {
        const path = `/api/v1/threads?site=blog&thread=${key}&sort=top`;
        assert.equal(
          await (await b.request(path)).text(),
          await (await a.request(path)).text(),
          path,
        );
      }
      // The guest's browser still is the same voter there: its vote and like are its own.
      const guest = await reactions(b, '/round/', { 'Confab-Voter': token('g1') });
      assert.deepEqual(guest.myVotes, { [comment.id]: -1 });
      const only = await reactions(b, '/only-liked/', { 'Confab-Voter': token('g1') });
      assert.deepEqual(only.likes, { likeCount: 1, liked: true, likers: [] });
      const round = await reactions(b, '/round/');
      assert.deepEqual(
        round.likes.likers.map((l) => l.name),
        ['Voter'],
      );
      // A second import of the same file adds nothing.
      await importFile(b.deps, file, { site: 'blog', format: 'confab' });
      const votes = await b.deps.db.selectFrom('votes').select('value').execute();
      assert.equal(votes.length, 3);
      assert.equal((await reactions(b, '/only-liked/')).likes.likeCount, 1);
      const [shown] = (
        await json<ThreadResponse>(await b.request('/api/v1/threads?site=blog&thread=/round/'))
      ).comments;
      assert.deepEqual([shown?.score, shown?.upvotes, shown?.downvotes], [1, 2, 1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
