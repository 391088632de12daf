/**
 * Permalinks: `GET /api/v1/threads?around=<comment id>` answers the page that holds the
 * comment, however far back or deep, and paging on from it with `nextCursor` meets every
 * later comment once; a comment the reader cannot see answers the first page, marked.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CreateCommentResponse, Problem, ThreadResponse } from '../../server/contract.js';
import { guestComment, json, makeTestApp, touchThreads, type TestApp } from './helpers.js';
import { signedIn } from './support/accounts.js';

const SORTS = ['oldest', 'newest', 'top'] as const;
const THREAD = '/long/';

async function read(t: TestApp, query: string, headers: HeadersInit = {}) {
  const res = await t.request(`/api/v1/threads?site=blog&thread=${THREAD}&${query}`, { headers });
  assert.equal(res.status, 200, await res.clone().text());
  return json<ThreadResponse>(res);
}

/** The top-level comments of an answer, in order. */
const tops = (r: ThreadResponse): string[] =>
  r.comments.filter((c) => c.parentId === null).map((c) => c.id);

/** Every top-level comment of the thread in `sort`, read page by page from the start. */
async function everyTop(t: TestApp, sort: string): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: ThreadResponse = await read(
      t,
      `sort=${sort}&limit=50${cursor === null ? '' : `&cursor=${cursor}`}`,
    );
    seen.push(...tops(page));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return seen;
}

/** The around-page and every page after it, joined; asserts each holds at most `limit`. */
async function fromAround(t: TestApp, sort: string, id: string, limit = 50) {
  const first = await read(t, `sort=${sort}&limit=${String(limit)}&around=${id}`);
  const seen = tops(first);
  assert.ok(seen.length <= limit);
  let cursor = first.nextCursor;
  while (cursor !== null) {
    const page = await read(t, `sort=${sort}&limit=${String(limit)}&cursor=${cursor}`);
    assert.ok(tops(page).length <= limit);
    seen.push(...tops(page));
    cursor = page.nextCursor;
  }
  return { first, seen };
}

describe('GET /api/v1/threads?around=', () => {
  let t: TestApp;
  /** Top-level comments, oldest first. */
  const top: string[] = [];
  /** A chain of replies, depth 1 to 5, under the fifth comment. */
  const chain: string[] = [];
  /** 30 direct replies of the tenth comment. */
  const many: string[] = [];

  const post = async (over: Record<string, unknown>): Promise<string> => {
    const res = await t.post(guestComment({ thread: THREAD, ...over }));
    assert.equal(res.status, 201, await res.clone().text());
    return (await json<CreateCommentResponse>(res)).comment.id;
  };
  const set = async (id: string, patch: Record<string, unknown>) => {
    await t.deps.db.updateTable('comments').set(patch).where('id', '=', id).execute();
    await touchThreads(t);
  };

  before(async () => {
    t = await makeTestApp();
    for (let i = 0; i < 120; i++) {
      top.push(await post({ body: `Top-level comment ${String(i)}` }));
      t.advance(60_000);
    }
    let parent = top[5];
    for (let depth = 1; depth <= 5; depth++) {
      parent = await post({ body: `Reply at depth ${String(depth)}`, parentId: parent });
      chain.push(parent);
      t.advance(1_000);
    }
    for (let i = 0; i < 30; i++) {
      many.push(await post({ body: `Reply ${String(i)} to the tenth`, parentId: top[10] }));
      t.advance(1_000);
    }
    // Scores for `top`: mostly distinct, some equal, so ties are paged too.
    for (const [i, id] of top.entries()) await set(id, { score: (i * 7) % 40 });
  });
  after(() => t.close());

  it('answers the page that starts at a comment on page 3, in every sort, and pages on without gaps or repeats', async () => {
    for (const sort of SORTS) {
      const all = await everyTop(t, sort);
      assert.equal(all.length, 120);
      const target = all[110] ?? assert.fail();
      const { first, seen } = await fromAround(t, sort, target);
      assert.deepEqual(first.around, { id: target, found: true }, sort);
      assert.equal(tops(first)[0], target, sort);
      assert.deepEqual(seen, all.slice(110), sort);
      assert.equal(new Set(seen).size, seen.length, sort);
    }
  });

  it('pages on from a comment in the middle with a small limit', async () => {
    for (const sort of SORTS) {
      const all = await everyTop(t, sort);
      const { seen } = await fromAround(t, sort, all[57] ?? assert.fail(), 7);
      assert.deepEqual(seen, all.slice(57), sort);
    }
  });

  it('finds a reply at depth 5 under an old comment, with every ancestor', async () => {
    const deepest = chain.at(-1) ?? assert.fail();
    const r = await read(t, `sort=newest&around=${deepest}`);
    assert.deepEqual(r.around, { id: deepest, found: true });
    assert.equal(tops(r)[0], top[5]);
    const ids = r.comments.map((c) => c.id);
    for (const id of chain) assert.ok(ids.includes(id), id);
    const rows = await t.deps.db
      .selectFrom('comments')
      .select('depth')
      .where('id', '=', deepest)
      .executeTakeFirstOrThrow();
    assert.equal(rows.depth, 5);
  });

  it('lists every reply of the comment that holds it, the last of 30 too', async () => {
    const last = many.at(-1) ?? assert.fail();
    const r = await read(t, `sort=top&limit=1&around=${last}`);
    assert.equal(r.around?.found, true);
    assert.deepEqual(tops(r), [top[10]]);
    assert.deepEqual(
      r.comments.filter((c) => c.parentId === top[10]).map((c) => c.id),
      many,
    );
  });

  it('keeps pinned comments first, and does not page them again', async () => {
    const pinned = top[100] ?? assert.fail();
    await set(pinned, { pinned: 1 });
    try {
      for (const sort of SORTS) {
        const all = await everyTop(t, sort);
        assert.equal(all[0], pinned, sort);
        const target = all[80] ?? assert.fail();
        const { first, seen } = await fromAround(t, sort, target);
        assert.deepEqual(tops(first).slice(0, 2), [pinned, target], sort);
        assert.deepEqual(seen, [pinned, ...all.slice(80)], sort);
        // A pinned comment itself: the page starts the thread, as the first page does.
        const self = await read(t, `sort=${sort}&around=${pinned}`);
        assert.deepEqual(tops(self), all.slice(0, 50), sort);
      }
    } finally {
      await set(pinned, { pinned: 0 });
    }
  });

  it('shows a held comment to its author and the staff, and to nobody else', async () => {
    const author = await signedIn(t, { name: 'Writer' });
    const other = await signedIn(t, { name: 'Someone' });
    const mod = await signedIn(t, { name: 'Mod', role: 'moderator' });
    const held = await post({ body: 'Held for a moderator', parentId: top[3] });
    await set(held, { status: 'pending', user_id: author.userId });
    for (const [who, headers, found] of [
      ['author', author.auth, true],
      ['moderator', mod.auth, true],
      ['another reader', other.auth, false],
      ['a guest', {}, false],
    ] as const) {
      const r = await read(t, `around=${held}`, headers);
      assert.deepEqual(r.around, { id: held, found }, who);
      assert.equal(
        r.comments.some((c) => c.id === held),
        found,
        who,
      );
    }
  });

  it('answers the first page, marked not found, for what the reader cannot see', async () => {
    const gone = await post({ body: 'Deleted entirely' });
    await set(gone, { status: 'deleted' });
    const spam = await post({ body: 'Buy now', parentId: top[2] });
    const underSpam = await post({ body: 'A reply to spam', parentId: spam });
    await set(spam, { status: 'spam' });
    const elsewhere = await post({ thread: '/other/', body: 'On another page' });
    const firstPage = tops(await read(t, 'sort=newest'));
    for (const [what, id] of [
      ['deleted', gone],
      ['spam', spam],
      ['a reply to spam', underSpam],
      ['another thread', elsewhere],
      ['an unknown id', randomUUID()],
    ] as const) {
      const r = await read(t, `sort=newest&around=${id}`);
      assert.deepEqual(r.around, { id, found: false }, what);
      assert.deepEqual(tops(r), firstPage, what);
      assert.notEqual(r.nextCursor, null, what);
    }
    const none = await t.request(`/api/v1/threads?site=blog&thread=/none/&around=${top[0]}`);
    assert.deepEqual((await json<ThreadResponse>(none)).around, { id: top[0], found: false });
  });

  it('finds a deleted comment while it stands as a placeholder for its replies', async () => {
    const placeholder = chain[1] ?? assert.fail();
    await set(placeholder, { status: 'deleted' });
    try {
      const r = await read(t, `around=${placeholder}`);
      assert.equal(r.around?.found, true);
      assert.equal(r.comments.find((c) => c.id === placeholder)?.status, 'deleted');
    } finally {
      await set(placeholder, { status: 'published' });
    }
  });

  it('refuses an around that is not a comment id, or comes with a cursor', async () => {
    const cursor = (await read(t, 'limit=1')).nextCursor ?? assert.fail();
    for (const value of [
      'abc',
      '',
      top[0]?.toUpperCase(),
      `${top[0] ?? ''}x`,
      "1' OR '1'='1",
      `${top[0] ?? ''}&cursor=${cursor}`,
    ]) {
      const res = await t.request(
        `/api/v1/threads?site=blog&thread=${THREAD}&around=${encodeURIComponent(value ?? '')}`.replace(
          '%26cursor%3D',
          '&cursor=',
        ),
      );
      assert.equal(res.status, 422, value);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const problem = await json<Problem>(res);
      assert.equal(problem.code, 'validation_failed', value);
      assert.deepEqual(
        problem.errors?.map((e) => [e.field, e.code]),
        [['around', 'invalid']],
        value,
      );
    }
  });
});
