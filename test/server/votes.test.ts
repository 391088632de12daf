import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type {
  CreateCommentResponse,
  Problem,
  ReactionsResponse,
  ThreadResponse,
  VoteResponse,
} from '../../server/contract.js';
import {
  CompiledQuery,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type RootOperationNode,
} from 'kysely';
import { likeThread } from '../../server/services/reactions/likes.js';
import { readReactions } from '../../server/services/reactions/read.js';
import { voteOnComment } from '../../server/services/reactions/votes.js';
import { consumeEvents } from '../../server/services/notify/notifier.js';
import { addWebhook } from '../../server/services/notify/webhooks.js';
import { updateSite } from '../../server/services/sites/sites.js';
import { signedIn, type Account } from './support/accounts.js';
import { runCli } from './support/cli.js';
import { guestComment, json, makeTestApp, ORIGIN, type TestApp } from './helpers.js';

/** A voter token as the widget makes one. */
const token = (n: number | string) => `voter-token-${String(n).padStart(12, '0')}`;

interface Voting {
  value: unknown;
  voter?: string;
  auth?: Account;
  ip?: string;
  editToken?: string;
  origin?: string | null;
}

function vote(t: TestApp, id: string, v: Voting): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (v.voter !== undefined) headers['Confab-Voter'] = v.voter;
  if (v.editToken !== undefined) headers['Confab-Edit-Token'] = v.editToken;
  if (v.auth !== undefined) Object.assign(headers, v.auth.auth);
  return t.request(`/api/v1/comments/${id}/vote`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ value: v.value }),
    ip: v.ip ?? '198.51.100.20',
    ...(v.origin === undefined ? {} : { origin: v.origin }),
  });
}

async function voted(t: TestApp, id: string, v: Voting): Promise<VoteResponse> {
  const res = await vote(t, id, v);
  assert.equal(res.status, 200, await res.clone().text());
  return json<VoteResponse>(res);
}

async function refused(t: TestApp, id: string, v: Voting, status: number, code: string) {
  const res = await vote(t, id, v);
  assert.equal(res.status, status, await res.clone().text());
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  assert.equal((await json<Problem>(res)).code, code);
}

async function post(t: TestApp, thread: string, init: { ip?: string; auth?: Account } = {}) {
  const res = await t.post(guestComment({ thread }), {
    ip: init.ip ?? '203.0.113.7',
    headers: init.auth?.auth,
  });
  assert.ok(res.status === 201 || res.status === 202, await res.clone().text());
  const created = await json<CreateCommentResponse>(res);
  return { id: created.comment.id, editToken: created.editToken };
}

async function page(t: TestApp, thread: string, sort = 'oldest'): Promise<ThreadResponse> {
  return json<ThreadResponse>(
    await t.request(`/api/v1/threads?site=blog&thread=${thread}&sort=${sort}`),
  );
}

async function events(t: TestApp, kind: string) {
  return t.deps.db.selectFrom('events').selectAll().where('kind', '=', kind).execute();
}

describe('PUT /api/v1/comments/:id/vote', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('counts a guest upvote, shows it in the thread and to the voter alone', async () => {
    const c = await post(t, '/up/');
    const answer = await voted(t, c.id, { value: 1, voter: token(1) });
    assert.deepEqual(answer, { commentId: c.id, score: 1, upvotes: 1, downvotes: 0, myVote: 1 });
    const [shown] = (await page(t, '/up/')).comments;
    assert.equal(shown?.score, 1);
    assert.equal(shown.upvotes, 1);
    assert.equal(shown.downvotes, 0);
    // The page is every reader's: the voter's own vote is asked for apart.
    assert.equal(shown.myVote, 0);
    const mine = await json<ReactionsResponse>(
      await t.request('/api/v1/reactions?site=blog&thread=/up/', {
        headers: { 'Confab-Voter': token(1) },
      }),
    );
    assert.deepEqual(mine.myVotes, { [c.id]: 1 });
    const other = await json<ReactionsResponse>(
      await t.request('/api/v1/reactions?site=blog&thread=/up/', {
        headers: { 'Confab-Voter': token(2) },
      }),
    );
    assert.deepEqual(other.myVotes, {});
  });

  it('takes a repeat as a no-op, and moves a vote on a change of mind', async () => {
    const c = await post(t, '/mind/');
    await voted(t, c.id, { value: 1, voter: token(3) });
    const before = (await events(t, 'comment.voted')).length;
    const again = await voted(t, c.id, { value: 1, voter: token(3) });
    assert.equal(again.score, 1);
    assert.equal((await events(t, 'comment.voted')).length, before, 'a repeat writes nothing');
    const down = await voted(t, c.id, { value: -1, voter: token(3) });
    assert.deepEqual(down, { commentId: c.id, score: -1, upvotes: 0, downvotes: 1, myVote: -1 });
    const back = await voted(t, c.id, { value: 0, voter: token(3) });
    assert.deepEqual(back, { commentId: c.id, score: 0, upvotes: 0, downvotes: 0, myVote: 0 });
    const logged = (await events(t, 'comment.voted')).slice(before);
    assert.deepEqual(
      logged.map((e) => JSON.parse(e.detail ?? '{}') as unknown),
      [
        { score: -1, up: 0, down: 1 },
        { score: 0, up: 0, down: 0 },
      ],
    );
    assert.ok(logged.every((e) => e.comment_id === c.id));
    const rows = await t.deps.db
      .selectFrom('votes')
      .selectAll()
      .where('comment_id', '=', c.id)
      .execute();
    assert.equal(rows.length, 0, 'a vote taken back is no row');
  });

  it('lets a signed-in reader vote, but nobody on their own comment', async () => {
    const reader = await signedIn(t, { name: 'Tomás' });
    const theirs = await post(t, '/own/', { auth: reader });
    await refused(t, theirs.id, { value: 1, auth: reader }, 403, 'own_comment');
    // A guest's own: by the edit token it got, or from the address it wrote from.
    const guests = await post(t, '/own/', { ip: '192.0.2.50' });
    await refused(
      t,
      guests.id,
      { value: 1, voter: token(4), editToken: guests.editToken },
      403,
      'own_comment',
    );
    await refused(
      t,
      guests.id,
      { value: 1, voter: token(5), ip: '192.0.2.50' },
      403,
      'own_comment',
    );
    // The edit token of another comment proves nothing about this one.
    const other = await post(t, '/own/', { ip: '192.0.2.51' });
    const ok = await voted(t, other.id, { value: 1, voter: token(4), editToken: guests.editToken });
    assert.equal(ok.score, 1);
    // Signed in, on someone else's: counted, and the reader's own are listed for the widget.
    assert.equal((await voted(t, guests.id, { value: -1, auth: reader })).score, -1);
    const mine = await json<ReactionsResponse>(
      await t.request('/api/v1/reactions?site=blog&thread=/own/', { headers: reader.auth }),
    );
    assert.deepEqual(mine.mine, [theirs.id]);
    assert.deepEqual(mine.myVotes, { [guests.id]: -1 });
  });

  it('refuses unknown comments, bad values, and comments that take no votes', async () => {
    const c = await post(t, '/bad/');
    await refused(
      t,
      '7d0c3f8e-0000-4000-8000-000000000000',
      { value: 1, voter: token(6) },
      404,
      'not_found',
    );
    await refused(t, 'not-an-id', { value: 1, voter: token(6) }, 404, 'not_found');
    for (const value of [2, '1', null, 0.5]) {
      await refused(t, c.id, { value, voter: token(6) }, 422, 'validation_failed');
    }
    const owner = await signedIn(t, { name: 'Owner', role: 'owner' });
    const act = (action: string, id: string) =>
      t.request('/api/v1/moderation/actions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...owner.auth },
        body: JSON.stringify({ site: 'blog', action, ids: [id] }),
      });
    // Held: invisible to the public (404); staff see it but may not vote on it (409).
    await updateSite(t.deps, 'blog', { moderation: 'all' });
    const held = await post(t, '/bad/');
    await updateSite(t.deps, 'blog', { moderation: 'none' });
    await refused(t, held.id, { value: 1, voter: token(6) }, 404, 'not_found');
    await refused(t, held.id, { value: 1, auth: owner }, 409, 'invalid_state');
    const spam = await post(t, '/bad/');
    assert.equal((await act('spam', spam.id)).status, 200);
    await refused(t, spam.id, { value: 1, voter: token(6) }, 404, 'not_found');
    // A deleted comment with a reply stays as a placeholder: seen, but not votable.
    const parent = await post(t, '/bad/');
    await t.post(guestComment({ thread: '/bad/', parentId: parent.id }));
    assert.equal((await act('delete', parent.id)).status, 200);
    await refused(t, parent.id, { value: 1, voter: token(6) }, 409, 'invalid_state');
    // A locked thread takes no more votes.
    const lock = await t.request('/api/v1/moderation/threads/lock?site=blog&thread=/bad/', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', ...owner.auth },
      body: JSON.stringify({ locked: true }),
    });
    assert.equal(lock.status, 200);
    await refused(t, c.id, { value: 1, voter: token(6) }, 403, 'thread_locked');
  });

  it('needs a reader: a session that works, or a well-formed voter token', async () => {
    const c = await post(t, '/who/');
    await refused(t, c.id, { value: 1 }, 401, 'voter_required');
    await refused(t, c.id, { value: 1, voter: 'short' }, 422, 'validation_failed');
    await refused(t, c.id, { value: 1, voter: 'x'.repeat(20) + '<>' }, 422, 'validation_failed');
    const broken: Account = { userId: 'x', token: 'nope', auth: { Authorization: 'Bearer nope' } };
    await refused(t, c.id, { value: 1, auth: broken, voter: token(7) }, 401, 'not_signed_in');
    await refused(t, c.id, { value: 1, voter: token(7), origin: null }, 403, 'origin_not_allowed');
    await refused(
      t,
      c.id,
      { value: 1, voter: token(7), origin: 'https://evil.example' },
      403,
      'origin_not_allowed',
    );
  });

  it('takes one guest vote per comment from one address, whatever the token', async () => {
    const c = await post(t, '/address/');
    await voted(t, c.id, { value: 1, voter: token(8), ip: '198.51.100.80' });
    await refused(
      t,
      c.id,
      { value: 1, voter: token(9), ip: '198.51.100.80' },
      409,
      'already_voted',
    );
    await refused(
      t,
      c.id,
      { value: -1, voter: token(9), ip: '198.51.100.80' },
      409,
      'already_voted',
    );
    // IPv6: the same /64 is one address.
    await voted(t, c.id, { value: 1, voter: token(10), ip: '2001:db8:1:2::a' });
    await refused(
      t,
      c.id,
      { value: 1, voter: token(11), ip: '2001:db8:1:2::b' },
      409,
      'already_voted',
    );
    // The token that voted may change its mind from anywhere; an account is not a guest.
    assert.equal(
      (await voted(t, c.id, { value: -1, voter: token(8), ip: '198.51.100.81' })).score,
      0,
    );
    const reader = await signedIn(t, { name: 'Neighbour' });
    assert.equal((await voted(t, c.id, { value: 1, auth: reader, ip: '198.51.100.80' })).score, 1);
  });

  it('limits votes per client per minute', async () => {
    const comments = await Promise.all(
      Array.from({ length: 30 }, (_, i) => post(t, `/limit-${String(i % 3)}/`)),
    );
    const ip = '198.51.100.99';
    for (const [i, c] of comments.entries()) {
      await voted(t, c.id, { value: 1, voter: token('lim'), ip });
      await voted(t, c.id, { value: i % 2 === 0 ? 0 : -1, voter: token('lim'), ip });
    }
    const res = await vote(t, comments[0]?.id ?? '', { value: 1, voter: token('lim'), ip });
    assert.equal(res.status, 429);
    assert.equal((await json<Problem>(res)).code, 'rate_limited');
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    // Another client is not held back; the same one is again after the window.
    await voted(t, comments[0]?.id ?? '', { value: 1, voter: token('other'), ip: '198.51.100.98' });
    t.advance(60_000);
    await voted(t, comments[0]?.id ?? '', { value: 1, voter: token('lim'), ip });
  });

  it('refuses banned readers', async () => {
    const owner = await signedIn(t, { name: 'Boss', role: 'owner' });
    const spammer = await post(t, '/banned/', { ip: '198.51.100.66' });
    const ban = await t.request('/api/v1/moderation/bans', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...owner.auth },
      body: JSON.stringify({ site: 'blog', commentId: spammer.id }),
    });
    assert.equal(ban.status, 201, await ban.text());
    const res = await t.post(
      guestComment({ thread: '/banned/', author: { name: 'Bea', email: 'bea@example.com' } }),
    );
    const c = (await json<CreateCommentResponse>(res)).comment;
    await refused(t, c.id, { value: 1, voter: token(12), ip: '198.51.100.66' }, 403, 'banned');
  });

  it('queues no mail and no webhook for a vote', async () => {
    await addWebhook(t.deps, { site: 'blog', url: 'https://hooks.example/confab' });
    const res = await t.post(
      guestComment({
        thread: '/quiet/',
        notify: true,
        author: { name: 'Sub', email: 'sub@example.com' },
      }),
    );
    const c = (await json<CreateCommentResponse>(res)).comment;
    await consumeEvents(t.deps);
    const outbox = () => t.deps.db.selectFrom('outbox').select('id').execute();
    const before = (await outbox()).length;
    assert.ok(before > 0, 'the comment itself queued its mail and webhook call');
    await voted(t, c.id, { value: 1, voter: token(13) });
    await voted(t, c.id, { value: -1, voter: token(13) });
    await consumeEvents(t.deps);
    assert.equal((await outbox()).length, before);
  });
});

describe('votes: site settings and the top sort', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('refuses votes on a site that turned them off, and downvotes where only those are off', async () => {
    const c = await post(t, '/settings/');
    await updateSite(t.deps, 'blog', { downvotes: false });
    await refused(t, c.id, { value: -1, voter: token(1) }, 403, 'downvotes_disabled');
    assert.equal((await voted(t, c.id, { value: 1, voter: token(1) })).score, 1);
    let reactions = await json<ReactionsResponse>(
      await t.request('/api/v1/reactions?site=blog&thread=/settings/'),
    );
    assert.deepEqual(reactions.settings, { votes: true, downvotes: false });
    await updateSite(t.deps, 'blog', { votes: false });
    await refused(
      t,
      c.id,
      { value: 1, voter: token(2), ip: '198.51.100.2' },
      403,
      'votes_disabled',
    );
    await refused(t, c.id, { value: 0, voter: token(1) }, 403, 'votes_disabled');
    reactions = await json<ReactionsResponse>(
      await t.request('/api/v1/reactions?site=blog&thread=/settings/'),
    );
    assert.deepEqual(reactions.settings, { votes: false, downvotes: false });
    await updateSite(t.deps, 'blog', { votes: true, downvotes: true });
    assert.equal(
      (await voted(t, c.id, { value: -1, voter: token(2), ip: '198.51.100.2' })).score,
      0,
    );
  });

  it('sorts top by score (up − down), then oldest first, page by page', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push((await post(t, '/top/')).id);
      t.advance(1000);
    }
    // Scores: 0: -1, 1: 2, 2: 0, 3: 2, 4: 1, 5: 0.
    const plan = [[-1], [1, 1], [], [1, 1, 1, -1], [1], [1, -1]];
    let n = 0;
    for (const [i, values] of plan.entries()) {
      for (const value of values) {
        await voted(t, ids[i] ?? '', {
          value,
          voter: token(`top-${String(n)}`),
          ip: `198.51.100.${String(++n)}`,
        });
      }
    }
    const order = [1, 3, 4, 2, 5, 0].map((i) => ids[i]);
    const first = await json<ThreadResponse>(
      await t.request('/api/v1/threads?site=blog&thread=/top/&sort=top&limit=4'),
    );
    assert.deepEqual(
      first.comments.map((c) => c.score),
      [2, 2, 1, 0],
    );
    assert.ok(first.nextCursor !== null);
    const second = await json<ThreadResponse>(
      await t.request(
        `/api/v1/threads?site=blog&thread=/top/&sort=top&limit=4&cursor=${encodeURIComponent(first.nextCursor)}`,
      ),
    );
    assert.deepEqual(
      [...first.comments, ...second.comments].map((c) => c.id),
      order,
    );
    assert.equal(second.nextCursor, null);
  });
});

describe('votes: 1,000 at once on one comment', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('counts exactly 1,000 concurrent requests, and as many more from a second process', async () => {
    const c = await post(t, '/busy/');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/server/support/vote-process.ts',
        join(t.dir, 'confab.sqlite'),
        c.id,
        '0',
        '1000',
        ORIGIN,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        if (err.includes('ready')) resolve();
      });
    });
    child.stdin.end('go\n');
    // Here: 1,000 at once, every fifth a downvote, some voters changing their minds at once.
    const here = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        vote(t, c.id, {
          value: i % 5 === 0 ? -1 : 1,
          voter: token(`busy-${String(i)}`),
          ip: `10.1.${String(Math.floor(i / 250))}.${String(i % 250)}`,
        }),
      ),
    );
    assert.deepEqual([...new Set(here.map((r) => r.status))], [200]);
    assert.equal(await exited, 0, err);
    const there = JSON.parse(out) as number[];
    assert.equal(there.length, 1000);
    assert.deepEqual([...new Set(there)], [200], err);
    // Here: 800 up, 200 down. There: every fourth down, 750 up, 250 down.
    const [shown] = (await page(t, '/busy/')).comments;
    assert.equal(shown?.upvotes, 1550);
    assert.equal(shown.downvotes, 450);
    assert.equal(shown.score, 1100);
    const rows = await t.deps.db
      .selectFrom('votes')
      .select(['value'])
      .where('comment_id', '=', c.id)
      .execute();
    assert.equal(rows.length, 2000);
    assert.equal(
      rows.reduce((sum, r) => sum + r.value, 0),
      1100,
    );
    // The last event says the same.
    const last = (await events(t, 'comment.voted')).at(-1);
    assert.deepEqual(JSON.parse(last?.detail ?? '{}'), { score: 1100, up: 1550, down: 450 });
  });
});

describe('votes: where a site turns them off', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('takes the settings from /admin (owners) and from confab site update', async () => {
    const owner = await signedIn(t, { name: 'Owner', role: 'owner' });
    const patch = await t.request('/api/v1/moderation/settings?site=blog', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', ...owner.auth },
      body: JSON.stringify({ downvotes: false }),
    });
    assert.equal(patch.status, 200);
    const settings = await json<{ votes: boolean; downvotes: boolean }>(patch);
    assert.equal(settings.votes, true);
    assert.equal(settings.downvotes, false);
    const bad = await t.request('/api/v1/moderation/settings?site=blog', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', ...owner.auth },
      body: JSON.stringify({ votes: 'no' }),
    });
    assert.equal(bad.status, 422);

    const env = { CONFAB_DB: join(t.dir, 'confab.sqlite') };
    const off = await runCli(['site', 'update', 'blog', '--no-votes'], env);
    assert.equal(off.status, 0, off.stderr);
    assert.match(off.stdout, /votes: off/);
    t.deps.siteCache.forget();
    const c = await post(t, '/cli/');
    await refused(t, c.id, { value: 1, voter: token('cli') }, 403, 'votes_disabled');
    const on = await runCli(['site', 'update', 'blog', '--votes', '--downvotes'], env);
    assert.match(on.stdout, /votes: up and down/);
    // A flag wins over its environment twin.
    const flagWins = await runCli(['site', 'update', 'blog', '--no-votes'], {
      ...env,
      CONFAB_VOTES: 'on',
    });
    assert.match(flagWins.stdout, /votes: off/);
    const twin = await runCli(['site', 'update', 'blog'], { ...env, CONFAB_VOTES: 'on' });
    assert.match(twin.stdout, /votes: up and down/);
    const upOnly = await runCli(['site', 'update', 'blog', '--no-downvotes'], env);
    assert.match(upOnly.stdout, /votes: up only/);
    t.deps.siteCache.forget();
    assert.equal((await voted(t, c.id, { value: 1, voter: token('cli') })).score, 1);
  });
});

describe('votes and likes: query plans', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('reads and writes votes and likes through their indexes', async () => {
    const reader = await signedIn(t, { name: 'Planner' });
    const c = await post(t, '/plans/');
    const queries: RootOperationNode[] = [];
    const record: KyselyPlugin = {
      transformQuery: ({ node }: PluginTransformQueryArgs) => {
        queries.push(node);
        return node;
      },
      transformResult: ({ result }: PluginTransformResultArgs) => Promise.resolve(result),
    };
    const deps = { ...t.deps, db: t.deps.db.withPlugin(record) };
    const caller = {
      origin: ORIGIN,
      clientHash: 'client-hash-of-the-test',
      sessionToken: reader.token,
    };
    await voteOnComment(deps, c.id, { value: 1 }, caller);
    await voteOnComment(
      deps,
      c.id,
      { value: 1 },
      { ...caller, sessionToken: undefined, voterToken: token('p') },
    );
    await likeThread(deps, { site: 'blog', thread: '/plans/' }, { liked: true }, caller);
    await readReactions(deps, { site: 'blog', thread: '/plans/' }, caller);
    const executor = t.deps.db.getExecutor();
    const touched = new Set<string>();
    for (const [i, node] of queries.entries()) {
      const compiled = executor.compileQuery(node, { queryId: `plan-${String(i)}` });
      if (!/\b(votes|likes)\b/.test(compiled.sql)) continue;
      const plan = await t.deps.db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
      );
      for (const { detail } of plan.rows) {
        const table = /^(?:SCAN|SEARCH) (\w+)/.exec(detail)?.[1];
        if (table !== undefined) touched.add(table);
        assert.doesNotMatch(
          detail,
          /^SCAN (votes|likes|comments|threads)\b(?! USING)/,
          `${compiled.sql}\n  ${detail}`,
        );
        assert.doesNotMatch(detail, /USE TEMP B-TREE/, `${compiled.sql}\n  ${detail}`);
      }
    }
    assert.ok(touched.has('votes') && touched.has('likes'), [...touched].join());
  });
});
