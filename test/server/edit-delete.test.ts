import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  CreateCommentResponse,
  DeleteCommentResponse,
  Problem,
  ThreadResponse,
  UpdateCommentResponse,
} from '../../server/contract.js';
import { guestComment, json, makeTestApp, type TestApp } from './helpers.js';

interface Posted {
  id: string;
  token: string;
}

async function post(t: TestApp, overrides: Record<string, unknown> = {}): Promise<Posted> {
  const res = await t.post(guestComment(overrides));
  assert.equal(res.status, 201);
  const created = await json<CreateCommentResponse>(res);
  return { id: created.comment.id, token: created.editToken ?? '' };
}

function edit(t: TestApp, id: string, body: unknown, token?: string): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== undefined) headers['Confab-Edit-Token'] = token;
  return t.request(`/api/v1/comments/${id}`, {
    method: 'PATCH',
    headers,
    body: JSON.stringify(body),
  });
}

function remove(t: TestApp, id: string, token?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers['Confab-Edit-Token'] = token;
  return t.request(`/api/v1/comments/${id}`, { method: 'DELETE', headers });
}

async function thread(t: TestApp, key = '/2014/03/my-post/'): Promise<ThreadResponse> {
  return json<ThreadResponse>(await t.request(`/api/v1/threads?site=blog&thread=${key}`));
}

describe('PATCH /api/v1/comments/:id', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('lets a guest edit with their token inside the window, and marks it edited', async () => {
    const c = await post(t, { thread: '/edit/' });
    t.advance(60_000);
    const res = await edit(t, c.id, { body: 'Changed *mind*' }, c.token);
    assert.equal(res.status, 200);
    const { comment } = await json<UpdateCommentResponse>(res);
    assert.equal(comment.html, '<p>Changed <em>mind</em></p>');
    assert.equal(comment.editedAt, '2026-03-14T12:01:00.000Z');
    const [shown] = (await thread(t, '/edit/')).comments;
    assert.equal(shown?.html, '<p>Changed <em>mind</em></p>');
    assert.ok(shown.editedAt);
  });

  it('allows a second edit inside the window', async () => {
    const c = await post(t, { thread: '/edit2/' });
    assert.equal((await edit(t, c.id, { body: 'one' }, c.token)).status, 200);
    assert.equal((await edit(t, c.id, { body: 'two' }, c.token)).status, 200);
    assert.equal((await thread(t, '/edit2/')).comments[0]?.html, '<p>two</p>');
  });

  it('wants a token (401), the right token (403), and the window open (403)', async () => {
    const c = await post(t, { thread: '/edit3/', body: 'Hello there' });
    t.advance(1000);
    const other = await post(t, { thread: '/edit3/' });
    const none = await edit(t, c.id, { body: 'x' });
    assert.equal(none.status, 401);
    assert.equal((await json<Problem>(none)).code, 'not_signed_in');
    const wrong = await edit(t, c.id, { body: 'x' }, other.token);
    assert.equal(wrong.status, 403);
    assert.equal((await json<Problem>(wrong)).code, 'forbidden');
    t.advance(15 * 60_000);
    const late = await edit(t, c.id, { body: 'x' }, c.token);
    assert.equal(late.status, 403);
    assert.equal((await json<Problem>(late)).code, 'edit_window_closed');
    assert.equal((await thread(t, '/edit3/')).comments[0]?.html, '<p>Hello there</p>');
  });

  it('validates the new body like a new one', async () => {
    const c = await post(t, { thread: '/edit4/', body: 'Hello there' });
    const res = await edit(t, c.id, { body: '  ' }, c.token);
    assert.equal(res.status, 422);
    assert.equal((await json<Problem>(res)).errors?.[0]?.field, 'body');
    const big = await edit(t, c.id, { body: 'я'.repeat(10_001) }, c.token);
    assert.equal(big.status, 422);
    assert.equal((await thread(t, '/edit4/')).comments[0]?.html, '<p>Hello there</p>');
  });

  it('answers 404 for unknown ids and ids that are not ids', async () => {
    assert.equal(
      (await edit(t, '00000000-0000-4000-8000-000000000000', { body: 'x' }, 'tok')).status,
      404,
    );
    assert.equal((await edit(t, '..%2F..%2Fetc', { body: 'x' }, 'tok')).status, 404);
  });
});

describe('DELETE /api/v1/comments/:id', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('removes a comment without replies from the thread and the count', async () => {
    const c = await post(t, { thread: '/del/' });
    const keep = await post(t, { thread: '/del/' });
    const res = await remove(t, c.id, c.token);
    assert.equal(res.status, 200);
    assert.deepEqual(await json<DeleteCommentResponse>(res), { comment: null });
    const after = await thread(t, '/del/');
    assert.deepEqual(
      after.comments.map((x) => x.id),
      [keep.id],
    );
    assert.equal(after.thread.commentCount, 1);
    const again = await remove(t, c.id, c.token);
    assert.equal(again.status, 404);
  });

  it('leaves a placeholder without body or author when the comment has replies', async () => {
    const parent = await post(t, { thread: '/ph/' });
    const reply = await post(t, { thread: '/ph/', parentId: parent.id });
    const res = await remove(t, parent.id, parent.token);
    const { comment } = await json<DeleteCommentResponse>(res);
    assert.equal(comment?.status, 'deleted');
    assert.equal(comment.author, null);
    assert.equal(comment.html, '');
    const shown = await thread(t, '/ph/');
    assert.deepEqual(
      shown.comments.map((x) => [x.id, x.status, x.author?.name ?? null]),
      [
        [parent.id, 'deleted', null],
        [reply.id, 'published', 'Alice'],
      ],
    );
    assert.equal(shown.thread.commentCount, 1);
    const row = await t.deps.db
      .selectFrom('comments')
      .selectAll()
      .where('id', '=', parent.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [row.body_source, row.author_name, row.author_email, row.author_url, row.ip_hash],
      ['', null, null, null, null],
    );
    // The placeholder cannot be edited or deleted again.
    assert.equal((await edit(t, parent.id, { body: 'back' }, parent.token)).status, 404);

    // When its last reply goes, the placeholder goes too, and the empty thread with it.
    assert.equal((await remove(t, reply.id, reply.token)).status, 200);
    assert.deepEqual((await thread(t, '/ph/')).comments, []);
    const threads = await t.deps.db
      .selectFrom('threads')
      .select('key')
      .where('key', '=', '/ph/')
      .execute();
    assert.equal(threads.length, 0);
  });

  it('hides a deleted comment whose only replies are not public', async () => {
    const parent = await post(t, { thread: '/held/' });
    const reply = await post(t, { thread: '/held/', parentId: parent.id });
    await t.deps.db
      .updateTable('comments')
      .set({ status: 'pending' })
      .where('id', '=', reply.id)
      .execute();
    const res = await remove(t, parent.id, parent.token);
    assert.deepEqual(await json<DeleteCommentResponse>(res), { comment: null });
    assert.deepEqual((await thread(t, '/held/')).comments, []);
  });

  it('never reuses an id, so an old token cannot touch a new comment', async () => {
    const old = await post(t, { thread: '/reuse/' });
    await remove(t, old.id, old.token);
    const fresh = await post(t, { thread: '/reuse/' });
    assert.notEqual(fresh.id, old.id);
    assert.equal((await remove(t, fresh.id, old.token)).status, 403);
    assert.equal((await remove(t, fresh.id, fresh.token)).status, 200);
  });

  it('keeps the window: no delete after 15 minutes', async () => {
    const c = await post(t, { thread: '/late/' });
    t.advance(15 * 60_000 + 1);
    const res = await remove(t, c.id, c.token);
    assert.equal(res.status, 403);
    assert.equal((await json<Problem>(res)).code, 'edit_window_closed');
    assert.equal((await thread(t, '/late/')).comments.length, 1);
  });
});
