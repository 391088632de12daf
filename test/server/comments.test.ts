import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CreateCommentResponse, Problem, ThreadResponse } from '../../server/contract.js';
import { guestComment, json, makeTestApp, type TestApp } from './helpers.js';

const THREAD = '/2014/03/my-post/';

async function readThread(t: TestApp, thread = THREAD): Promise<ThreadResponse> {
  const res = await t.request(`/api/v1/threads?site=blog&thread=${encodeURIComponent(thread)}`);
  assert.equal(res.status, 200);
  return json<ThreadResponse>(res);
}

async function expectInvalid(
  t: TestApp,
  body: unknown,
  field: string,
  code?: string,
): Promise<void> {
  const res = await t.post(body);
  assert.equal(res.status, 422, `expected 422 for ${field}`);
  assert.match(res.headers.get('Content-Type') ?? '', /^application\/problem\+json/);
  const problem = await json<Problem>(res);
  assert.equal(problem.code, 'validation_failed');
  const error = problem.errors?.find((e) => e.field === field);
  assert.ok(error, `expected an error for ${field}, got ${JSON.stringify(problem.errors)}`);
  if (code !== undefined) assert.equal(error.code, code);
}

describe('POST /api/v1/comments', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('creates a published guest comment and returns it with an edit token', async () => {
    const res = await t.post(guestComment({ body: 'First! **bold** words' }));
    assert.equal(res.status, 201);
    const created = await json<CreateCommentResponse>(res);
    assert.equal(created.comment.status, 'published');
    assert.equal(created.comment.parentId, null);
    assert.deepEqual(created.comment.author, {
      name: 'Alice',
      avatarUrl: null,
      provider: 'guest',
      role: null,
      url: 'https://alice.example/',
    });
    assert.equal(created.comment.html, '<p>First! <strong>bold</strong> words</p>');
    assert.match(created.editToken ?? '', /^[\w-]{40,}$/);
    assert.equal(created.editableUntil, '2026-03-14T12:15:00.000Z');
    const thread = await readThread(t);
    assert.equal(thread.thread.commentCount, 1);
    assert.equal(thread.thread.title, 'My post');
    assert.equal(thread.comments[0]?.id, created.comment.id);
  });

  it('threads a reply under its parent', async () => {
    const parent = await json<CreateCommentResponse>(
      await t.post(guestComment({ thread: '/reply/' })),
    );
    const res = await t.post(
      guestComment({ thread: '/reply/', parentId: parent.comment.id, body: 'A reply' }),
    );
    assert.equal(res.status, 201);
    const reply = await json<CreateCommentResponse>(res);
    assert.equal(reply.comment.parentId, parent.comment.id);
    const thread = await readThread(t, '/reply/');
    assert.deepEqual(
      thread.comments.map((c) => [c.id, c.parentId, c.replyCount]),
      [
        [parent.comment.id, null, 1],
        [reply.comment.id, parent.comment.id, 0],
      ],
    );
  });

  it('refuses a parent from another thread and leaves nothing behind', async () => {
    const other = await json<CreateCommentResponse>(
      await t.post(guestComment({ thread: '/other/' })),
    );
    const res = await t.post(guestComment({ thread: '/elsewhere/', parentId: other.comment.id }));
    assert.equal(res.status, 422);
    assert.equal((await json<Problem>(res)).code, 'parent_not_found');
    const thread = await readThread(t, '/elsewhere/');
    assert.equal(thread.comments.length, 0);
  });

  it('refuses a parent that does not exist, or is not an id', async () => {
    const missing = await t.post(
      guestComment({ parentId: '00000000-0000-4000-8000-000000000000' }),
    );
    assert.equal((await json<Problem>(missing)).code, 'parent_not_found');
    await expectInvalid(t, guestComment({ parentId: '1 OR 1=1' }), 'parentId', 'invalid');
  });

  it('keeps non-ASCII text exactly', async () => {
    const body = 'Привет, мир — 你好世界 — Καλημέρα 🌱';
    const res = await t.post(
      guestComment({ thread: '/unicode/', body, author: { name: 'Zoë Ångström' } }),
    );
    assert.equal(res.status, 201);
    const [comment] = (await readThread(t, '/unicode/')).comments;
    assert.equal(comment?.html, `<p>${body}</p>`);
    assert.equal(comment.author?.name, 'Zoë Ångström');
  });

  it('ignores fields a client must not control', async () => {
    const res = await t.post(
      guestComment({
        thread: '/fields/',
        id: 'mine',
        status: 'pending',
        pinned: true,
        score: 99,
        createdAt: '2000-01-01',
      }),
    );
    assert.equal(res.status, 201);
    const { comment } = await json<CreateCommentResponse>(res);
    assert.notEqual(comment.id, 'mine');
    assert.equal(comment.status, 'published');
    assert.equal(comment.pinned, false);
    assert.equal(comment.score, 0);
    assert.equal(comment.createdAt, '2026-03-14T12:00:00.000Z');
  });

  it('scopes Idempotency-Key to its client: another client gets its own comment', async () => {
    const headers = { 'Idempotency-Key': 'shared-key' };
    const mine = await json<CreateCommentResponse>(
      await t.post(guestComment({ thread: '/scoped/' }), { headers, ip: '198.51.100.1' }),
    );
    const theirs = await json<CreateCommentResponse>(
      await t.post(guestComment({ thread: '/scoped/' }), { headers, ip: '198.51.100.2' }),
    );
    assert.notEqual(theirs.comment.id, mine.comment.id);
  });

  it('answers a retried post with the same Idempotency-Key with the first comment', async () => {
    const headers = { 'Idempotency-Key': 'retry-123' };
    const post = guestComment({ thread: '/retry/' });
    const firstResponse = await t.post(post, { headers });
    assert.equal(firstResponse.status, 201);
    const first = await json<CreateCommentResponse>(firstResponse);
    const again = await t.post(post, { headers });
    assert.equal(again.status, 201);
    const second = await json<CreateCommentResponse>(again);
    assert.equal(second.comment.id, first.comment.id);
    assert.equal(second.replayed, true);
    // The edit token is shown once: whoever else learns the key must not get it.
    assert.equal(typeof first.editToken, 'string');
    assert.equal(second.editToken, undefined);
    assert.equal((await readThread(t, '/retry/')).comments.length, 1);
  });

  describe('validation', () => {
    it('requires a name, 1–80 characters', async () => {
      await expectInvalid(t, guestComment({ author: { name: '   ' } }), 'author.name', 'required');
      await expectInvalid(t, guestComment({ author: undefined }), 'author.name', 'required');
      await expectInvalid(
        t,
        guestComment({ author: { name: 'x'.repeat(81) } }),
        'author.name',
        'too_long',
      );
      const ok = await t.post(
        guestComment({ thread: '/name80/', author: { name: 'ж'.repeat(80) } }),
      );
      assert.equal(ok.status, 201);
    });

    it('refuses control, bidi-override, zero-width and zalgo characters in names', async () => {
      for (const name of [
        'Eve\u202Egnp.exe',
        'Bob\u0000',
        'Ma\u200Bllory',
        'Tab\tName',
        'Z\u0301\u0302\u0303\u0304oe',
        'Line\nBreak',
      ]) {
        await expectInvalid(
          t,
          guestComment({ author: { name } }),
          'author.name',
          'invalid_characters',
        );
      }
    });

    it('checks the email: optional, at most 254 characters, one address, no CR/LF', async () => {
      const long = `${'a'.repeat(64)}@${'b'.repeat(185)}.com`;
      assert.equal(long.length, 254);
      assert.equal(
        (await t.post(guestComment({ thread: '/mail/', author: { name: 'A', email: long } })))
          .status,
        201,
      );
      assert.equal(
        (await t.post(guestComment({ thread: '/mail/', author: { name: 'A' } }))).status,
        201,
      );
      await expectInvalid(
        t,
        guestComment({ author: { name: 'A', email: `a${long}` } }),
        'author.email',
        'too_long',
      );
      for (const email of [
        'a@b.c\r\nBcc:x@y.z',
        '"a:b"@c.d',
        'a@b.c;d@e.f',
        'not-an-email',
        'a b@c.d',
        'a@b',
      ]) {
        await expectInvalid(t, guestComment({ author: { name: 'A', email } }), 'author.email');
      }
    });

    it('accepts web addresses and bare hosts as the website, nothing else', async () => {
      for (const url of [
        'https://example.com',
        'http://example.com:8080/a?b=c#d',
        'example.com/blog',
        'https://bücher.example/',
      ]) {
        const res = await t.post(guestComment({ thread: '/web/', author: { name: 'A', url } }));
        assert.equal(res.status, 201, url);
      }
      for (const url of [
        'javascript:alert(1)',
        'ftp://example.com',
        'tel:+123',
        'mailto:a@b.c',
        'a@b.c',
        'word',
        'https://user:pw@example.com',
      ]) {
        await expectInvalid(
          t,
          guestComment({ author: { name: 'A', url } }),
          'author.url',
          'not_a_url',
        );
      }
    });

    it('counts the body in characters, not bytes: 1–10,000', async () => {
      await expectInvalid(t, guestComment({ body: '' }), 'body', 'required');
      await expectInvalid(t, guestComment({ body: ' \n\t ' }), 'body', 'required');
      const emoji = '🌱'.repeat(10_000);
      assert.equal((await t.post(guestComment({ thread: '/long/', body: emoji }))).status, 201);
      await expectInvalid(t, guestComment({ body: 'я'.repeat(10_001) }), 'body', 'too_long');
      await expectInvalid(
        t,
        guestComment({ body: 'nul \u0000 byte' }),
        'body',
        'invalid_characters',
      );
    });

    it('requires the thread key to be a URL path', async () => {
      for (const thread of [
        '',
        'my-post',
        'https://blog.example/x',
        '/with space',
        '/q?x=1',
        '/?p=1&utm_source=x',
        '/h#x',
        `/${'a'.repeat(600)}`,
      ]) {
        await expectInvalid(t, guestComment({ thread }), 'thread');
      }
    });

    it('takes WordPress plain permalinks (/?p=123) as thread keys', async () => {
      const res = await t.post(guestComment({ thread: '/?p=123' }));
      assert.equal(res.status, 201);
      const read = await t.request(
        `/api/v1/threads?site=blog&thread=${encodeURIComponent('/?p=123')}`,
      );
      assert.equal(((await read.json()) as { comments: unknown[] }).comments.length, 1);
    });

    it('checks field types', async () => {
      await expectInvalid(t, guestComment({ body: 42 }), 'body');
      await expectInvalid(t, guestComment({ author: { name: ['A'] } }), 'author.name');
      await expectInvalid(t, guestComment({ site: undefined }), 'site', 'required');
    });

    it('checks the page URL: absolute http(s), at most 2000 characters', async () => {
      await expectInvalid(t, guestComment({ threadUrl: '/relative' }), 'threadUrl', 'not_a_url');
      await expectInvalid(
        t,
        guestComment({ threadUrl: 'javascript:alert(1)' }),
        'threadUrl',
        'not_a_url',
      );
      const long = `https://blog.example/${'a'.repeat(2000)}`;
      await expectInvalid(t, guestComment({ threadUrl: long }), 'threadUrl', 'too_long');
    });

    it('refuses C1 control characters in the body but keeps emoji joiners', async () => {
      await expectInvalid(t, guestComment({ body: 'a\u0085b' }), 'body', 'invalid_characters');
      const family = '👩\u200D👩\u200D👧';
      assert.equal((await t.post(guestComment({ thread: '/zwj/', body: family }))).status, 201);
    });

    it('says "invalid" for a field of the wrong type and "required" for a missing one', async () => {
      await expectInvalid(t, guestComment({ thread: 5 }), 'thread', 'invalid');
      await expectInvalid(t, guestComment({ thread: undefined }), 'thread', 'required');
    });

    it('reports every invalid field at once', async () => {
      const res = await t.post(
        guestComment({ body: '', author: { name: '', email: 'x', url: 'ftp://x' } }),
      );
      const problem = await json<Problem>(res);
      assert.deepEqual(problem.errors?.map((e) => e.field).sort(), [
        'author.email',
        'author.name',
        'author.url',
        'body',
      ]);
    });

    it('refuses an unknown site with 404', async () => {
      const res = await t.post(guestComment({ site: 'nope' }));
      assert.equal(res.status, 404);
      assert.equal((await json<Problem>(res)).code, 'site_not_found');
    });
  });
});

describe('site policies', () => {
  it('holds comments for moderation with 202; others do not see or count them', async () => {
    const t = await makeTestApp({ site: { moderation: 'all' } });
    try {
      const res = await t.post(guestComment());
      assert.equal(res.status, 202);
      const created = await json<CreateCommentResponse>(res);
      assert.equal(created.comment.status, 'pending');
      const thread = await readThread(t);
      assert.equal(thread.comments.length, 0);
      assert.equal(thread.thread.commentCount, 0);
      const counts = await json(await t.request(`/api/v1/counts?site=blog&thread=${THREAD}`));
      assert.deepEqual(counts, { counts: { [THREAD]: 0 } });
    } finally {
      await t.close();
    }
  });

  it('with first-time moderation, publishes a guest who already has a published comment', async () => {
    const t = await makeTestApp({ site: { moderation: 'first-time' } });
    try {
      const first = await t.post(guestComment());
      assert.equal(first.status, 202);
      // Approve by hand (moderation tools arrive later): the store is the real one.
      await t.deps.db.updateTable('comments').set({ status: 'published' }).execute();
      assert.equal((await t.post(guestComment({ body: 'again' }))).status, 201);
      const stranger = await t.post(
        guestComment({ author: { name: 'Mallory', email: 'alice@example.com' } }),
      );
      assert.equal(stranger.status, 202);
    } finally {
      await t.close();
    }
  });

  it('refuses guests where the site does not take them', async () => {
    const t = await makeTestApp({ site: { allowGuests: false } });
    try {
      const res = await t.post(guestComment());
      assert.equal(res.status, 403);
      assert.equal((await json<Problem>(res)).code, 'guests_not_allowed');
    } finally {
      await t.close();
    }
  });

  it('refuses new comments on a locked thread but still shows it', async () => {
    const t = await makeTestApp();
    try {
      assert.equal((await t.post(guestComment())).status, 201);
      await t.deps.db.updateTable('threads').set({ locked: 1 }).execute();
      const res = await t.post(guestComment({ body: 'late' }));
      assert.equal(res.status, 403);
      assert.equal((await json<Problem>(res)).code, 'thread_locked');
      const thread = await readThread(t);
      assert.equal(thread.thread.locked, true);
      assert.equal(thread.comments.length, 1);
    } finally {
      await t.close();
    }
  });
});
