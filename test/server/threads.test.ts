import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CreateCommentResponse, Problem, ThreadResponse } from '../../server/contract.js';
import { guestComment, json, makeTestApp, touchThreads, type TestApp } from './helpers.js';

async function read(t: TestApp, query: string): Promise<ThreadResponse> {
  const res = await t.request(`/api/v1/threads?site=blog&${query}`);
  assert.equal(res.status, 200, await res.clone().text());
  return json<ThreadResponse>(res);
}

async function post(t: TestApp, overrides: Record<string, unknown>): Promise<string> {
  const res = await t.post(guestComment(overrides));
  assert.equal(res.status, 201, await res.clone().text());
  return (await json<CreateCommentResponse>(res)).comment.id;
}

describe('GET /api/v1/threads', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const id = (name: string): string => ids[name] ?? assert.fail(`no comment ${name}`);
  before(async () => {
    t = await makeTestApp();
    // Three top-level comments a minute apart, replies in between; "b" gets the best score.
    ids.a = await post(t, { thread: '/sorted/', body: 'a' });
    t.advance(60_000);
    ids.b = await post(t, { thread: '/sorted/', body: 'b' });
    t.advance(60_000);
    ids.a1 = await post(t, { thread: '/sorted/', body: 'a1', parentId: ids.a });
    t.advance(60_000);
    ids.c = await post(t, { thread: '/sorted/', body: 'c' });
    t.advance(60_000);
    ids.a2 = await post(t, { thread: '/sorted/', body: 'a2', parentId: ids.a });
    ids.a1x = await post(t, { thread: '/sorted/', body: 'a1x', parentId: ids.a1 });
    await t.deps.db.updateTable('comments').set({ score: 5 }).where('id', '=', id('b')).execute();
    await touchThreads(t);
  });
  after(() => t.close());

  const order = (r: ThreadResponse): string[] =>
    r.comments.map((c) => Object.keys(ids).find((k) => ids[k] === c.id) ?? '?');

  it('answers an unknown thread with an empty thread, not a 404', async () => {
    const r = await read(t, 'thread=/never/');
    assert.deepEqual(r, {
      thread: {
        key: '/never/',
        title: null,
        url: null,
        locked: false,
        commentCount: 0,
        likeCount: 0,
        liked: false,
      },
      comments: [],
      nextCursor: null,
    });
  });

  it('lists oldest first by default, each comment followed by its replies, oldest first', async () => {
    const r = await read(t, 'thread=/sorted/');
    assert.deepEqual(order(r), ['a', 'a1', 'a1x', 'a2', 'b', 'c']);
    assert.equal(r.thread.commentCount, 6);
    assert.equal(r.comments.find((c) => c.id === ids.a)?.replyCount, 2);
  });

  it('sorts top-level comments newest first, replies stay oldest first', async () => {
    assert.deepEqual(order(await read(t, 'thread=/sorted/&sort=newest')), [
      'c',
      'b',
      'a',
      'a1',
      'a1x',
      'a2',
    ]);
  });

  it('sorts top-level comments by score for "top"', async () => {
    assert.deepEqual(order(await read(t, 'thread=/sorted/&sort=top')), [
      'b',
      'a',
      'a1',
      'a1x',
      'a2',
      'c',
    ]);
  });

  it('puts a pinned comment first in every sort', async () => {
    await t.deps.db.updateTable('comments').set({ pinned: 1 }).where('id', '=', id('c')).execute();
    await touchThreads(t);
    try {
      for (const sort of ['oldest', 'newest', 'top']) {
        assert.equal(order(await read(t, `thread=/sorted/&sort=${sort}`))[0], 'c', sort);
      }
    } finally {
      await t.deps.db
        .updateTable('comments')
        .set({ pinned: 0 })
        .where('id', '=', id('c'))
        .execute();
      await touchThreads(t);
    }
  });

  it('pages top-level comments with a cursor, without gaps or repeats', async () => {
    for (const sort of ['oldest', 'newest', 'top']) {
      const all = order(await read(t, `thread=/sorted/&sort=${sort}`));
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: ThreadResponse = await read(
          t,
          `thread=/sorted/&sort=${sort}&limit=1${cursor === null ? '' : `&cursor=${cursor}`}`,
        );
        seen.push(...order(page));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null && pages < 10);
      assert.deepEqual(seen, all, sort);
      assert.equal(pages, 3, sort);
    }
  });

  it('keeps the same threads apart on different sites and paths', async () => {
    assert.equal((await read(t, 'thread=/sorted')).comments.length, 0);
    assert.equal((await read(t, 'thread=/SORTED/')).comments.length, 0);
  });

  it('requires site and thread, and refuses an unknown site', async () => {
    const noThread = await t.request('/api/v1/threads?site=blog');
    assert.equal(noThread.status, 422);
    assert.equal((await json<Problem>(noThread)).errors?.[0]?.field, 'thread');
    const unknown = await t.request('/api/v1/threads?site=nope&thread=/');
    assert.equal(unknown.status, 404);
    assert.equal((await json<Problem>(unknown)).code, 'site_not_found');
  });
});

describe('GET /api/v1/counts', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
    await post(t, { thread: '/one/' });
    await post(t, { thread: '/one/' });
    await post(t, { thread: '/two/' });
  });
  after(() => t.close());

  it('counts published comments for every asked thread in one answer, 0 for unknown ones', async () => {
    const res = await t.request('/api/v1/counts?site=blog&thread=/one/&thread=/two/&thread=/none/');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { counts: { '/one/': 2, '/two/': 1, '/none/': 0 } });
  });

  it('refuses requests without threads, with too many, or with keys that are not paths', async () => {
    assert.equal((await t.request('/api/v1/counts?site=blog')).status, 422);
    const many = Array.from({ length: 101 }, (_, i) => `thread=/p${i}/`).join('&');
    assert.equal((await t.request(`/api/v1/counts?site=blog&${many}`)).status, 422);
    assert.equal((await t.request('/api/v1/counts?site=blog&thread=__proto__')).status, 422);
  });
});
