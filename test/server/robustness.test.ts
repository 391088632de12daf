import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CreateCommentResponse, ThreadResponse } from '../../server/contract.js';
import { MAX_DEPTH } from '../../server/services/posting/post.js';
import { resolveClientAddress } from '../../server/services/common/clients.js';
import { guestComment, json, makeTestApp } from './helpers.js';

describe('robustness', () => {
  it('caps reply depth: a reply past the cap becomes a sibling, and the thread still reads', async () => {
    const t = await makeTestApp();
    try {
      let parentId: string | null = null;
      const ids: string[] = [];
      for (let i = 0; i <= MAX_DEPTH + 3; i++) {
        const res = await t.post(guestComment({ thread: '/deep/', parentId, body: `level ${i}` }));
        assert.equal(res.status, 201);
        const created = await json<CreateCommentResponse>(res);
        ids.push(created.comment.id);
        parentId = created.comment.id;
      }
      const rows = await t.deps.db
        .selectFrom('comments')
        .select(['id', 'depth', 'parent_id'])
        .execute();
      assert.equal(Math.max(...rows.map((r) => r.depth)), MAX_DEPTH);
      const deepest = rows.find((r) => r.id === ids.at(-1));
      const atCap = rows.find((r) => r.id === ids[MAX_DEPTH]);
      assert.equal(
        deepest?.parent_id,
        atCap?.parent_id,
        'a reply to a comment at the cap hangs beside it',
      );
      const res = await t.request('/api/v1/threads?site=blog&thread=/deep/');
      assert.equal(res.status, 200);
      assert.equal((await json<ThreadResponse>(res)).comments.length, ids.length);
    } finally {
      await t.close();
    }
  });

  it('answers concurrent retries with one Idempotency-Key with one comment, never a 500', async () => {
    const t = await makeTestApp();
    try {
      const headers = { 'Idempotency-Key': 'double-click' };
      const post = guestComment({ thread: '/race/' });
      const answers = await Promise.all(Array.from({ length: 6 }, () => t.post(post, { headers })));
      assert.deepEqual(
        answers.map((r) => r.status),
        [201, 201, 201, 201, 201, 201],
      );
      const bodies = await Promise.all(answers.map((r) => json<CreateCommentResponse>(r)));
      assert.equal(new Set(bodies.map((b) => b.comment.id)).size, 1);
      // One of them saved it and holds the edit token; the others are replays without it.
      assert.equal(bodies.filter((b) => b.editToken !== undefined).length, 1);
      assert.equal(bodies.filter((b) => b.replayed === true).length, 5);
    } finally {
      await t.close();
    }
  });

  it('posts again with a used key after that comment was deleted into a placeholder', async () => {
    const t = await makeTestApp();
    try {
      const headers = { 'Idempotency-Key': 'k1' };
      const first = await json<CreateCommentResponse>(
        await t.post(guestComment({ thread: '/k/' }), { headers }),
      );
      await t.post(guestComment({ thread: '/k/', parentId: first.comment.id }));
      const del = await t.request(`/api/v1/comments/${first.comment.id}`, {
        method: 'DELETE',
        headers: { 'Confab-Edit-Token': first.editToken ?? '' },
      });
      assert.equal(del.status, 200);
      const again = await t.post(guestComment({ thread: '/k/' }), { headers });
      assert.equal(again.status, 201);
      assert.notEqual((await json<CreateCommentResponse>(again)).comment.id, first.comment.id);
    } finally {
      await t.close();
    }
  });

  it('rate-limits edits too', async () => {
    const t = await makeTestApp({ site: { rateLimit: 1 } });
    try {
      const c = await json<CreateCommentResponse>(await t.post(guestComment()));
      const edit = (): Promise<Response> =>
        t.request(`/api/v1/comments/${c.comment.id}`, {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/json', 'Confab-Edit-Token': c.editToken ?? '' },
          body: JSON.stringify({ body: 'changed' }),
        });
      assert.equal((await edit()).status, 200);
      assert.equal((await edit()).status, 200);
      const third = await edit();
      assert.equal(third.status, 429);
      assert.ok(Number(third.headers.get('Retry-After')) > 0);
    } finally {
      await t.close();
    }
  });

  it('never lets an edit racing a delete bring the text back', async () => {
    const t = await makeTestApp();
    try {
      for (let i = 0; i < 5; i++) {
        const thread = `/race-${i}/`;
        const c = await json<CreateCommentResponse>(await t.post(guestComment({ thread })));
        await t.post(guestComment({ thread, parentId: c.comment.id }));
        const headers = {
          'Content-Type': 'application/json',
          'Confab-Edit-Token': c.editToken ?? '',
        };
        await Promise.all([
          t.request(`/api/v1/comments/${c.comment.id}`, {
            method: 'PATCH',
            headers,
            body: JSON.stringify({ body: 'SECRET AFTER DELETE' }),
          }),
          t.request(`/api/v1/comments/${c.comment.id}`, { method: 'DELETE', headers }),
        ]);
        const row = await t.deps.db
          .selectFrom('comments')
          .select(['status', 'body_source'])
          .where('id', '=', c.comment.id)
          .executeTakeFirstOrThrow();
        assert.deepEqual(row, { status: 'deleted', body_source: '' });
      }
    } finally {
      await t.close();
    }
  });

  it('keeps only origin and path of the page URL: a query string may hold a reader’s email', async () => {
    const t = await makeTestApp();
    try {
      const threadUrl = 'https://blog.example/p/?email=victim%40mail.example&token=abc#c1';
      assert.equal((await t.post(guestComment({ thread: '/p/', threadUrl }))).status, 201);
      const res = await t.request('/api/v1/threads?site=blog&thread=/p/');
      assert.equal((await json<ThreadResponse>(res)).thread.url, 'https://blog.example/p/');
    } finally {
      await t.close();
    }
  });

  it('stops at a forwarded hop that is not an address, rather than trusting what is left of it', () => {
    assert.equal(resolveClientAddress(['10.0.0.0/8'], '10.0.0.1', '6.6.6.6, unknown'), '10.0.0.1');
  });
});
