import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  ModActionResponse,
  ModQueueResponse,
  ThreadResponse,
  CountsResponse,
} from '../../server/contract.js';
import { makeTestApp, ORIGIN, type TestApp } from './helpers.js';
import { signedIn, type Account } from './support/accounts.js';

const guest = (body: string, extra: Record<string, unknown> = {}) => ({
  site: 'blog',
  thread: '/post/',
  body,
  author: { name: 'Guest', email: 'guest@example.com' },
  ...extra,
});

async function json<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  return JSON.parse(text) as T;
}

describe('moderation: a first-time site', () => {
  let t: TestApp;
  let mod: Account;
  before(async () => {
    t = await makeTestApp({ site: { moderation: 'first-time' } });
    mod = await signedIn(t, { name: 'Mod', role: 'moderator' });
  });
  after(() => t.close());

  const thread = (headers: Record<string, string> = {}) =>
    t.request('/api/v1/threads?site=blog&thread=/post/', { headers });
  const count = async () =>
    (await json<CountsResponse>(await t.request('/api/v1/counts?site=blog&thread=/post/'), 200))
      .counts['/post/'];
  const act = (action: string, ids: string[], who: Account = mod) =>
    t.request('/api/v1/moderation/actions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...who.auth },
      body: JSON.stringify({ site: 'blog', action, ids }),
    });

  it('holds a first-time guest, shows it to staff only, and publishes it on approval', async () => {
    const held = await json<{ comment: { id: string; status: string } }>(
      await t.post(guest('Hello, first time here.')),
      202,
    );
    assert.equal(held.comment.status, 'pending');
    const publicView = await json<ThreadResponse>(await thread(), 200);
    assert.equal(publicView.comments.length, 0);
    assert.equal(await count(), 0);

    const staffView = await json<ThreadResponse>(await thread(mod.auth), 200);
    assert.deepEqual(
      staffView.comments.map((c) => c.status),
      ['pending'],
    );

    const queue = await json<ModQueueResponse>(
      await t.request('/api/v1/moderation/comments?site=blog', { headers: mod.auth }),
      200,
    );
    assert.equal(queue.counts.pending, 1);
    const [first] = queue.comments;
    assert.ok(first);
    assert.equal(first.heldReason, 'policy');
    assert.equal(first.author?.email, 'guest@example.com');

    const approved = await json<ModActionResponse>(await act('approve', [held.comment.id]), 200);
    assert.equal(approved.comments[0]?.status, 'published');
    // A retry is a no-op that answers the same.
    const again = await json<ModActionResponse>(await act('approve', [held.comment.id]), 200);
    assert.equal(again.comments[0]?.status, 'published');

    const after = await json<ThreadResponse>(await thread(), 200);
    assert.deepEqual(
      after.comments.map((c) => c.id),
      [held.comment.id],
    );
    assert.equal(await count(), 1);

    // The audit log has one approval, not two.
    const audit = await json<{ entries: { action: string; actor: string }[] }>(
      await t.request('/api/v1/moderation/audit?site=blog', { headers: mod.auth }),
      200,
    );
    assert.deepEqual(
      audit.entries.map((e) => e.action),
      ['approve'],
    );
    assert.match(audit.entries[0]?.actor ?? '', /^Mod/);
  });

  it('lets the same guest through once they have an approved comment', async () => {
    const res = await t.post(guest('Back again with another thought.'));
    assert.equal(res.status, 201);
  });

  it('refuses readers, strangers and moderators of other sites', async () => {
    const reader = await signedIn(t, { name: 'Reader' });
    const res = await act('approve', ['00000000-0000-4000-8000-000000000000'], reader);
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { code: string }).code, 'forbidden');
    const none = await t.request('/api/v1/moderation/comments?site=blog');
    assert.equal(none.status, 401);
    // A moderator's token from another origin does not work.
    const elsewhere = await t.request('/api/v1/moderation/comments?site=blog', {
      headers: mod.auth,
      origin: 'https://evil.example',
    });
    assert.equal(elsewhere.status, 401);
  });

  it('answers 404 for unknown ids and 409 for actions that do not apply, changing nothing', async () => {
    const res = await t.post(
      guest('A third, different comment from a stranger.', { author: { name: 'New person' } }),
    );
    const { comment } = (await res.json()) as { comment: { id: string } };
    const missing = await act('approve', [comment.id, '00000000-0000-4000-8000-000000000000']);
    assert.equal(missing.status, 404);
    const published = (await json<ThreadResponse>(await thread(), 200)).comments[0];
    const refused = await act('reject', [published?.id ?? '']);
    assert.equal(refused.status, 409);
    assert.equal(((await refused.json()) as { code: string }).code, 'invalid_state');
    const queue = await json<ModQueueResponse>(
      await t.request('/api/v1/moderation/comments?site=blog', { headers: mod.auth }),
      200,
    );
    assert.equal(queue.counts.pending, 1);
  });
  it('refuses guests a staff name or a look-alike of it', async () => {
    for (const name of ['Mod', 'MOD', 'Mоd', 'M o d', 'Mód']) {
      const res = await t.post(guest(`Hello from ${name}?`, { author: { name } }));
      assert.equal(res.status, 422, name);
      const problem = (await res.json()) as { errors: { field: string; code: string }[] };
      assert.deepEqual(problem.errors[0], {
        ...problem.errors[0],
        field: 'author.name',
        code: 'reserved',
      });
    }
    assert.notEqual(
      (await t.post(guest('Hello from Model', { author: { name: 'Model' } }))).status,
      422,
    );
  });
});

describe('moderation: pins, locks, spam and bans', () => {
  let t: TestApp;
  let owner: Account;
  before(async () => {
    t = await makeTestApp();
    owner = await signedIn(t, { name: 'Owner', role: 'owner' });
  });
  after(() => t.close());

  const act = (action: string, ids: string[]) =>
    t.request('/api/v1/moderation/actions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...owner.auth },
      body: JSON.stringify({ site: 'blog', action, ids }),
    });
  const ids = async (sort: string) =>
    (
      await json<ThreadResponse>(
        await t.request(`/api/v1/threads?site=blog&thread=/post/&sort=${sort}`),
        200,
      )
    ).comments
      .filter((c) => c.parentId === null)
      .map((c) => c.id);

  it('keeps a pinned comment on top in every sort, and refuses to pin a reply', async () => {
    const made: string[] = [];
    for (const text of ['First comment here', 'Second comment here', 'Third comment here']) {
      t.advance(60_000);
      const res = await t.post(guest(text, { author: { name: `Guest ${made.length}` } }), {
        ip: `198.51.100.${made.length + 1}`,
      });
      made.push(((await res.json()) as { comment: { id: string } }).comment.id);
    }
    await json(await act('pin', [made[1] ?? '']), 200);
    for (const sort of ['oldest', 'newest', 'top']) {
      assert.equal((await ids(sort))[0], made[1], sort);
    }
    const reply = await t.post(guest('A reply to the first', { parentId: made[0] }), {
      ip: '198.51.100.9',
    });
    const replyId = ((await reply.json()) as { comment: { id: string } }).comment.id;
    assert.equal((await act('pin', [replyId])).status, 409);
    await json(await act('unpin', [made[1] ?? '']), 200);
    assert.equal((await ids('oldest'))[0], made[0]);
  });

  it('locks a thread: readable, no new comments, and unlocks it', async () => {
    const lock = (locked: boolean) =>
      t.request('/api/v1/moderation/threads/lock?site=blog&thread=/post/', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', ...owner.auth },
        body: JSON.stringify({ locked }),
      });
    assert.equal(
      (await json<{ thread: { locked: boolean } }>(await lock(true), 200)).thread.locked,
      true,
    );
    const thread = await json<ThreadResponse>(
      await t.request('/api/v1/threads?site=blog&thread=/post/'),
      200,
    );
    assert.equal(thread.thread.locked, true);
    assert.ok(thread.comments.length > 0);
    const refused = await t.post(guest('Too late to the party'), { ip: '198.51.100.77' });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { code: string }).code, 'thread_locked');
    await json(await lock(false), 200);
    assert.equal((await t.post(guest('Just in time now'), { ip: '198.51.100.77' })).status, 201);
  });

  it('bans a guest by address until the ban expires, and lifts bans', async () => {
    const res = await t.post(
      guest('I am about to be banned', { author: { name: 'Troll', email: 'troll@example.com' } }),
      {
        ip: '192.0.2.66',
      },
    );
    const { comment } = (await res.json()) as { comment: { id: string } };
    const banned = await json<{ bans: { id: string; kind: string }[] }>(
      await t.request('/api/v1/moderation/bans', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...owner.auth },
        body: JSON.stringify({
          site: 'blog',
          commentId: comment.id,
          reason: 'trolling',
          expiresAt: new Date(t.deps.now().getTime() + 3_600_000).toISOString(),
        }),
      }),
      201,
    );
    assert.deepEqual(banned.bans.map((b) => b.kind).sort(), ['client', 'email']);
    const refused = await t.post(guest('Still here', { author: { name: 'Troll' } }), {
      ip: '192.0.2.66',
    });
    assert.equal(refused.status, 403);
    const problem = (await refused.json()) as { code: string; detail: string };
    assert.equal(problem.code, 'banned');
    assert.match(problem.detail, /until/);
    // Another address with the same (unverified) email is held for a moderator; someone
    // else goes through.
    const sameEmail = await t.post(
      guest('Different words entirely', { author: { name: 'T', email: 'TROLL@example.com' } }),
      { ip: '192.0.2.67' },
    );
    assert.equal(sameEmail.status, 202);
    assert.equal((await t.post(guest('An innocent bystander'), { ip: '192.0.2.68' })).status, 201);

    t.advance(3_600_001);
    assert.equal(
      (
        await t.post(guest('Back after the ban', { author: { name: 'Troll' } }), {
          ip: '192.0.2.66',
        })
      ).status,
      201,
    );
    const list = await json<{ bans: unknown[] }>(
      await t.request('/api/v1/moderation/bans?site=blog', { headers: owner.auth }),
      200,
    );
    assert.equal(list.bans.length, 0);
  });

  it('bans an account forever and deletes what it wrote, until lifted', async () => {
    const reader = await signedIn(t, { name: 'Spammer' });
    const res = await t.post(
      { site: 'blog', thread: '/other/', body: 'Buy things from my shop' },
      { headers: reader.auth, ip: '192.0.2.90' },
    );
    const { comment } = (await res.json()) as { comment: { id: string } };
    const banned = await json<{ bans: { id: string }[] }>(
      await t.request('/api/v1/moderation/bans', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...owner.auth },
        body: JSON.stringify({ site: 'blog', commentId: comment.id, deleteComments: true }),
      }),
      201,
    );
    const thread = await json<ThreadResponse>(
      await t.request('/api/v1/threads?site=blog&thread=/other/'),
      200,
    );
    assert.equal(thread.comments.length, 0);
    const refused = await t.post(
      { site: 'blog', thread: '/other/', body: 'Let me back in' },
      { headers: reader.auth, ip: '192.0.2.91' },
    );
    assert.equal(refused.status, 403);
    const id = banned.bans[0]?.id ?? '';
    for (let i = 0; i < 2; i++) {
      const lifted = await t.request(`/api/v1/moderation/bans/${id}?site=blog`, {
        method: 'DELETE',
        headers: owner.auth,
      });
      assert.equal(lifted.status, 204);
    }
    assert.equal(
      (
        await t.post(
          { site: 'blog', thread: '/other/', body: 'I have learned my lesson' },
          { headers: reader.auth, ip: '192.0.2.91' },
        )
      ).status,
      201,
    );
  });

  it('marks spam: gone from the thread and the count, kept in the queue', async () => {
    const res = await t.post(guest('Cheap watches at example dot com'), { ip: '192.0.2.120' });
    const { comment } = (await res.json()) as { comment: { id: string } };
    const before = await json<CountsResponse>(
      await t.request('/api/v1/counts?site=blog&thread=/post/'),
      200,
    );
    await json(await act('spam', [comment.id]), 200);
    const afterCount = await json<CountsResponse>(
      await t.request('/api/v1/counts?site=blog&thread=/post/'),
      200,
    );
    assert.equal(afterCount.counts['/post/'], (before.counts['/post/'] ?? 0) - 1);
    const queue = await json<ModQueueResponse>(
      await t.request('/api/v1/moderation/comments?site=blog&status=spam', { headers: owner.auth }),
      200,
    );
    assert.deepEqual(
      queue.comments.map((c) => c.id),
      [comment.id],
    );
  });

  it('lets owners change settings and moderators only read them', async () => {
    const mod = await signedIn(t, { name: 'Helper', role: 'moderator' });
    const patch = (who: Account, body: unknown) =>
      t.request('/api/v1/moderation/settings?site=blog', {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json', ...who.auth },
        body: JSON.stringify(body),
      });
    assert.equal((await patch(mod, { moderation: 'all' })).status, 403);
    const changed = await json<{ moderation: string; blocklist: string[] }>(
      await patch(owner, { moderation: 'all', blocklist: ['  Casino ', 'casino', 'free money'] }),
      200,
    );
    assert.equal(changed.moderation, 'all');
    assert.deepEqual(changed.blocklist, ['casino', 'free money']);
    const bad = await patch(owner, { rateLimit: -1 });
    assert.equal(bad.status, 422);
    const read = await json<{ moderation: string }>(
      await t.request('/api/v1/moderation/settings?site=blog', { headers: mod.auth }),
      200,
    );
    assert.equal(read.moderation, 'all');
  });
});

describe('moderation: the admin origin', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('lets an /admin session moderate every site where the account has a role', async () => {
    const own = new URL(t.deps.config.publicUrl).origin;
    const admin = await signedIn(t, { name: 'Admin', role: 'owner', origin: own });
    const sites = await json<{ sites: { id: string; role: string }[] }>(
      await t.request('/api/v1/moderation/sites', {
        headers: { ...admin.auth, 'Sec-Fetch-Site': 'same-origin' },
        origin: null,
      }),
      200,
    );
    assert.deepEqual(
      sites.sites.map((s) => [s.id, s.role]),
      [['blog', 'owner']],
    );
    const queue = await t.request('/api/v1/moderation/comments?site=blog', {
      headers: { ...admin.auth, 'Sec-Fetch-Site': 'same-origin' },
      origin: null,
    });
    assert.equal(queue.status, 200);
    // The same token cannot post on the blog.
    const post = await t.post(guest('From the admin origin'), { headers: admin.auth, origin: own });
    assert.equal(post.status, 403);
    assert.ok(ORIGIN !== own);
  });
});
