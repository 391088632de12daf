/**
 * Ways around the moderation and spam rules that a review found, each closed.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { GuardResponse, ModQueueResponse } from '../../server/contract.js';
import { makeTestApp, type TestApp } from './helpers.js';
import { signedIn, type Account } from './support/accounts.js';

const guest = (body: string, extra: Record<string, unknown> = {}) => ({
  site: 'blog',
  thread: '/post/',
  body,
  author: { name: 'Guest' },
  ...extra,
});

async function idOf(res: Response, status: number): Promise<{ id: string; token: string }> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  const body = JSON.parse(text) as { comment: { id: string }; editToken?: string };
  return { id: body.comment.id, token: body.editToken ?? '' };
}

async function codeOf(res: Response): Promise<[number, string]> {
  return [res.status, ((await res.json()) as { code: string }).code];
}

describe('abuse: edits pass the same rules as new comments', () => {
  let t: TestApp;
  let owner: Account;
  before(async () => {
    t = await makeTestApp({ site: { maxLinks: 1, blocklist: ['viagra'] } });
    owner = await signedIn(t, { name: 'Owner', role: 'owner' });
  });
  after(() => t.close());

  const edit = (id: string, token: string, body: string, ip = '192.0.2.1') =>
    t.request(`/api/v1/comments/${id}`, {
      method: 'PATCH',
      ip,
      headers: { 'Content-Type': 'application/json', 'Confab-Edit-Token': token },
      body: JSON.stringify({ body }),
    });

  it('sends a published comment rewritten into spam back to the moderators', async () => {
    const c = await idOf(await t.post(guest('Harmless words here'), { ip: '192.0.2.1' }), 201);
    const res = await edit(c.id, c.token, 'Buy v&#105;agra at https://a.example https://b.example');
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { comment: { status: string } }).comment.status, 'pending');
    const thread = (await (await t.request('/api/v1/threads?site=blog&thread=/post/')).json()) as {
      comments: unknown[];
    };
    assert.equal(thread.comments.length, 0);
  });

  it('matches the blocklist against what readers see, not only what was typed', async () => {
    for (const body of ['Cheap v*i*agra here', 'Cheap v\u200Biagra here']) {
      await idOf(await t.post(guest(body), { ip: `192.0.2.${String(body.length)}` }), 202);
    }
  });

  it('refuses an edit by a banned author', async () => {
    const c = await idOf(await t.post(guest('Soon to be banned'), { ip: '192.0.2.9' }), 201);
    const ban = await t.request('/api/v1/moderation/bans', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...owner.auth },
      body: JSON.stringify({ site: 'blog', commentId: c.id }),
    });
    assert.equal(ban.status, 201);
    assert.deepEqual(await codeOf(await edit(c.id, c.token, 'Changed my words', '192.0.2.9')), [
      403,
      'banned',
    ]);
  });
});

describe('abuse: bans', () => {
  let t: TestApp;
  let owner: Account;
  before(async () => {
    t = await makeTestApp();
    owner = await signedIn(t, { name: 'Owner', role: 'owner' });
  });
  after(() => t.close());

  const ban = (commentId: string, who: Account = owner) =>
    t.request('/api/v1/moderation/bans', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...who.auth },
      body: JSON.stringify({ site: 'blog', commentId }),
    });

  it('stops a banned account coming back as a guest from the same address', async () => {
    const reader = await signedIn(t, { name: 'Spammer' });
    const c = await idOf(
      await t.post(
        { site: 'blog', thread: '/post/', body: 'Signed-in spam' },
        { headers: reader.auth, ip: '192.0.2.50' },
      ),
      201,
    );
    assert.equal((await ban(c.id)).status, 201);
    assert.deepEqual(
      await codeOf(
        await t.post(guest('Now as a guest', { author: { name: 'Spammer2' } }), {
          ip: '192.0.2.50',
        }),
      ),
      [403, 'banned'],
    );
  });

  it('holds (does not refuse) a guest whose unverified email matches a ban', async () => {
    const c = await idOf(
      await t.post(
        guest('Abuse under a borrowed email', {
          author: { name: 'V', email: 'victor@example.com' },
        }),
        {
          ip: '192.0.2.60',
        },
      ),
      201,
    );
    assert.equal((await ban(c.id)).status, 201);
    const victor = await idOf(
      await t.post(
        guest('The real Victor says hello', {
          author: { name: 'Victor', email: 'victor@example.com' },
        }),
        {
          ip: '192.0.2.61',
        },
      ),
      202,
    );
    const queue = (await (
      await t.request('/api/v1/moderation/comments?site=blog', { headers: owner.auth })
    ).json()) as ModQueueResponse;
    assert.equal(queue.comments.find((q) => q.id === victor.id)?.heldReason, 'ban');
  });

  it('does not let a moderator ban, delete or rewrite an owner', async () => {
    const mod = await signedIn(t, { name: 'Helper', role: 'moderator' });
    const mine = await idOf(
      await t.post(
        { site: 'blog', thread: '/post/', body: 'The owner speaks' },
        { headers: owner.auth },
      ),
      201,
    );
    assert.equal((await ban(mine.id, mod)).status, 403);
    const del = await t.request('/api/v1/moderation/actions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...mod.auth },
      body: JSON.stringify({ site: 'blog', action: 'delete', ids: [mine.id] }),
    });
    assert.equal(del.status, 403);
    const edit = await t.request(`/api/v1/moderation/comments/${mine.id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', ...mod.auth },
      body: JSON.stringify({ site: 'blog', body: 'Rewritten by a moderator' }),
    });
    assert.equal(edit.status, 403);
  });

  it('searches the queue for text with % and _ in it literally', async () => {
    await idOf(await t.post(guest('Prices went up 50% this year'), { ip: '192.0.2.70' }), 201);
    await idOf(await t.post(guest('Prices went up 50 percent'), { ip: '192.0.2.71' }), 201);
    const queue = (await (
      await t.request(
        `/api/v1/moderation/comments?site=blog&status=all&q=${encodeURIComponent('50%')}`,
        {
          headers: owner.auth,
        },
      )
    ).json()) as ModQueueResponse;
    assert.deepEqual(
      queue.comments.map((c) => c.body),
      ['Prices went up 50% this year'],
    );
  });
});

describe('abuse: doomed posts cost the guard and nobody else', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({ site: { minFillSeconds: 1, threadRateLimit: 3 } });
  });
  after(() => t.close());

  it('does not count replies to nowhere against the thread, and spends a guard once', async () => {
    await idOf(await t.post(guest('The first comment', { formToken: await token() })), 201);
    const g = await token();
    for (let i = 0; i < 5; i++) {
      const res = await t.post(
        guest(`Reply to nothing ${String(i)}`, { parentId: randomUUID(), formToken: g }),
        { ip: `2001:db8:${String(i)}::1` },
      );
      assert.deepEqual(await codeOf(res), [422, 'parent_not_found']);
    }
    // The thread is not silenced: a real reader still gets in.
    await idOf(
      await t.post(guest('A real reader', { formToken: await token() }), { ip: '192.0.2.99' }),
      201,
    );
    // Refused before it was looked at, the guard is still good for one post, and only one.
    await idOf(await t.post(guest('Guarded once', { formToken: g }), { ip: '192.0.2.98' }), 201);
    const replay = await t.post(guest('Guarded twice', { formToken: g }), { ip: '192.0.2.97' });
    assert.deepEqual(await codeOf(replay), [400, 'challenge_failed']);
  });

  async function token(): Promise<string> {
    const g = (await (await t.request('/api/v1/guard?site=blog')).json()) as GuardResponse;
    t.advance(1000);
    return g.formToken;
  }
});

describe('abuse: one post sent 20 times at once', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({ site: { minFillSeconds: 1, rateLimit: 5 } });
  });
  after(() => t.close());

  it('stores one comment, and every retry gets it back', async () => {
    const g = (await (await t.request('/api/v1/guard?site=blog')).json()) as GuardResponse;
    t.advance(1000);
    const body = guest('Sent twenty times by an impatient double-clicker', {
      formToken: g.formToken,
    });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.post(body, { headers: { 'Idempotency-Key': 'same-post-1' }, ip: '192.0.2.150' }),
      ),
    );
    const ids = new Set<string>();
    for (const res of answers) ids.add((await idOf(res, 201)).id);
    assert.equal(ids.size, 1);
    const thread = (await (await t.request('/api/v1/threads?site=blog&thread=/post/')).json()) as {
      comments: unknown[];
    };
    assert.equal(thread.comments.length, 1);
  });
});
