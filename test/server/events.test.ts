/**
 * The events log: every change a reader could see is a row, written in the change's own
 * transaction by every write path, with no private data; the thread's version follows it;
 * the hub wakes consumers after the commit; a change whose transaction fails leaves
 * neither the change nor its event.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { CreateCommentResponse, EventKind } from '../../server/contract.js';
import { housekeeping } from '../../server/services/data/housekeeping.js';
import { readEvents, type LoggedEvent } from '../../server/services/events/log.js';
import { guestComment, json, makeTestApp, type TestApp } from './helpers.js';
import { importInto, writeTemp, wxr, wxrItem } from './import-support.js';
import { startAkismet, type AkismetStandIn } from './support/akismet-standin.js';
import { signedIn, type Account } from './support/accounts.js';

const THREAD = '/events/';

async function events(t: TestApp, after = 0): Promise<LoggedEvent[]> {
  return readEvents(t.deps.db, after);
}

/** The kinds (and comment ids) written since `after`. */
async function kindsSince(t: TestApp, after: number): Promise<[EventKind, string | null][]> {
  return (await events(t, after)).map((e) => [e.kind, e.commentId]);
}

async function lastId(t: TestApp): Promise<number> {
  return (await events(t)).at(-1)?.id ?? 0;
}

async function post(t: TestApp, overrides: Record<string, unknown> = {}) {
  const res = await t.post(guestComment({ thread: THREAD, ...overrides }));
  assert.ok(res.status === 201 || res.status === 202, await res.clone().text());
  return json<CreateCommentResponse>(res);
}

function act(t: TestApp, who: Account, action: string, ids: string[]): Promise<Response> {
  return t.request('/api/v1/moderation/actions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...who.auth },
    body: JSON.stringify({ site: 'blog', action, ids }),
  });
}

describe('the events log', () => {
  let t: TestApp;
  let owner: Account;
  before(async () => {
    t = await makeTestApp();
    owner = await signedIn(t, { name: 'Owner', role: 'owner' });
  });
  after(() => t.close());

  it('records a new comment, an edit and a deletion by its author, with no private data', async () => {
    const start = await lastId(t);
    const created = await post(t, {
      body: 'A body nobody should find in the log',
      author: { name: 'Private Person', email: 'private@example.com', url: 'https://me.example' },
    });
    const edited = await t.request(`/api/v1/comments/${created.comment.id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', 'Confab-Edit-Token': created.editToken! },
      body: JSON.stringify({ body: 'Rewritten, still private' }),
    });
    assert.equal(edited.status, 200);
    const deleted = await t.request(`/api/v1/comments/${created.comment.id}`, {
      method: 'DELETE',
      headers: { 'Confab-Edit-Token': created.editToken! },
    });
    assert.equal(deleted.status, 200);
    const id = created.comment.id;
    assert.deepEqual(await kindsSince(t, start), [
      ['comment.created', id],
      ['comment.edited', id],
      ['comment.deleted', id],
    ]);
    const logged = await events(t, start);
    const [first] = logged;
    assert.deepEqual(first?.detail, { status: 'published' });
    assert.ok(logged.every((e) => e.siteId === 'blog' && e.threadId.length > 0));
    assert.ok(
      logged.every((e, i) => i === 0 || e.id > (logged[i - 1]?.id ?? 0)),
      'increasing',
    );
    const raw = JSON.stringify(await t.deps.db.selectFrom('events').selectAll().execute());
    for (const secret of ['nobody should', 'Private Person', 'private@example.com', 'me.example']) {
      assert.ok(!raw.includes(secret), `${secret} is not in the log`);
    }
    assert.ok(!raw.includes('203.0.113.7'), 'nor the address');
  });

  it("moves the thread's version to its last event", async () => {
    const created = await post(t);
    const thread = await t.deps.db
      .selectFrom('threads')
      .select('version')
      .where('key', '=', THREAD)
      .executeTakeFirstOrThrow();
    const [last] = (await events(t)).filter((e) => e.commentId === created.comment.id);
    assert.equal(thread.version, last?.id);
  });

  it('records what moderators do, once each: a repeat writes nothing', async () => {
    const a = await post(t);
    const b = await post(t);
    const start = await lastId(t);
    for (const [action, id] of [
      ['pin', a.comment.id],
      ['pin', a.comment.id],
      ['unpin', a.comment.id],
      ['spam', b.comment.id],
      ['spam', b.comment.id],
      ['approve', b.comment.id],
      ['delete', b.comment.id],
    ] as const) {
      assert.equal((await act(t, owner, action, [id])).status, 200, action);
    }
    const edit = await t.request(`/api/v1/moderation/comments/${a.comment.id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', ...owner.auth },
      body: JSON.stringify({ site: 'blog', body: 'Edited by the owner' }),
    });
    assert.equal(edit.status, 200);
    const lock = (locked: boolean) =>
      t.request(`/api/v1/moderation/threads/lock?site=blog&thread=${THREAD}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', ...owner.auth },
        body: JSON.stringify({ locked }),
      });
    assert.equal((await lock(true)).status, 200);
    assert.equal((await lock(true)).status, 200);
    assert.equal((await lock(false)).status, 200);
    assert.deepEqual(await kindsSince(t, start), [
      ['comment.pinned', a.comment.id],
      ['comment.unpinned', a.comment.id],
      ['comment.spam', b.comment.id],
      ['comment.approved', b.comment.id],
      ['comment.deleted', b.comment.id],
      ['comment.edited', a.comment.id],
      ['thread.locked', null],
      ['thread.unlocked', null],
    ]);
    const spam = (await events(t, start)).find((e) => e.kind === 'comment.spam');
    assert.deepEqual(spam?.detail, { from: 'published', to: 'spam' });
  });

  it('records a held comment as created pending, and an edit that sends it back for review', async () => {
    await t.request('/api/v1/moderation/settings?site=blog', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', ...owner.auth },
      body: JSON.stringify({ blocklist: ['casino'] }),
    });
    const start = await lastId(t);
    const held = await post(t, { body: 'Come to the casino tonight' });
    const fine = await post(t, { body: 'A perfectly fine comment' });
    const edited = await t.request(`/api/v1/comments/${fine.comment.id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', 'Confab-Edit-Token': fine.editToken! },
      body: JSON.stringify({ body: 'Now it is about the casino' }),
    });
    assert.equal(edited.status, 200);
    const logged = await events(t, start);
    assert.deepEqual(
      logged.map((e) => [e.kind, e.commentId, e.detail]),
      [
        ['comment.created', held.comment.id, { status: 'pending' }],
        ['comment.created', fine.comment.id, { status: 'published' }],
        ['comment.edited', fine.comment.id, null],
        ['comment.held', fine.comment.id, { from: 'published', to: 'pending' }],
      ],
    );
  });

  it('records the comments a ban removes and a reader erases', async () => {
    const reader = await signedIn(t, { name: 'Leaving Reader' });
    const mine = await json<CreateCommentResponse>(
      await t.post(guestComment({ thread: THREAD, body: 'Mine, soon gone' }), {
        headers: reader.auth,
      }),
    );
    const trolling = await t.post(
      guestComment({ thread: THREAD, body: 'Trolling here', author: { name: 'Troll' } }),
      { ip: '192.0.2.250' },
    );
    const troll = await json<CreateCommentResponse>(trolling);
    const start = await lastId(t);
    const ban = await t.request('/api/v1/moderation/bans', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...owner.auth },
      body: JSON.stringify({ site: 'blog', commentId: troll.comment.id, deleteComments: true }),
    });
    assert.equal(ban.status, 201, await ban.clone().text());
    const erase = await t.request('/api/v1/me', { method: 'DELETE', headers: reader.auth });
    assert.equal(erase.status, 204, await erase.clone().text());
    const removed = (await kindsSince(t, start)).filter(([kind]) => kind === 'comment.deleted');
    assert.ok(removed.some(([, id]) => id === troll.comment.id));
    assert.ok(removed.some(([, id]) => id === mine.comment.id));
  });

  it('records an import as one batch event per thread', async () => {
    const start = await lastId(t);
    const file = writeTemp(
      t,
      'events.xml',
      wxr(
        wxrItem('https://blog.example/imported-a/', 1, [{ id: 1 }, { id: 2, parent: 1 }]) +
          wxrItem('https://blog.example/imported-b/', 2, [{ id: 3 }]),
      ),
    );
    await importInto(t, 'wordpress', file);
    const logged = await events(t, start);
    assert.deepEqual(
      logged.map((e) => [e.kind, e.commentId, e.detail]),
      [
        ['thread.imported', null, { comments: 2 }],
        ['thread.imported', null, { comments: 1 }],
      ],
    );
    const dry = await lastId(t);
    await importInto(t, 'wordpress', file, { dryRun: true });
    assert.equal(await lastId(t), dry, 'a dry run writes no event');
  });

  it('records spam purged by housekeeping', async () => {
    const spam = await post(t, { body: 'Old spam, soon purged' });
    assert.equal((await act(t, owner, 'spam', [spam.comment.id])).status, 200);
    t.advance(31 * 86_400_000);
    const start = await lastId(t);
    await housekeeping(t.deps);
    assert.deepEqual(await kindsSince(t, start), [['comment.deleted', spam.comment.id]]);
  });

  it('wakes subscribers after the commit, with the last id written', async () => {
    const woken: number[] = [];
    const stop = t.deps.events.subscribe((id) => woken.push(id));
    try {
      const created = await post(t);
      const [event] = (await events(t)).filter((e) => e.commentId === created.comment.id);
      assert.deepEqual(woken, [event?.id]);
      // A refused post wakes nobody.
      await t.post(guestComment({ thread: THREAD, body: '' }));
      assert.equal(woken.length, 1);
    } finally {
      stop();
    }
    await post(t);
    assert.equal(woken.length, 1, 'unsubscribed');
  });
});

describe('the spam checker in the events log', () => {
  let akismet: AkismetStandIn;
  let t: TestApp;
  before(async () => {
    akismet = await startAkismet('test-key');
    t = await makeTestApp({
      env: { CONFAB_AKISMET_KEY: 'test-key', CONFAB_AKISMET_URL: akismet.url },
    });
  });
  after(async () => {
    await t.close();
    await akismet.close();
  });

  it('records a published comment it calls spam', async () => {
    const spam = await post(t, {
      body: 'Great post, visit my site',
      author: { name: 'akismet-guaranteed-spam' },
    });
    await t.deps.spam.idle();
    assert.deepEqual(
      (await events(t)).map((e) => [e.kind, e.commentId]),
      [
        ['comment.created', spam.comment.id],
        ['comment.spam', spam.comment.id],
      ],
    );
  });
});

/**
 * A trigger that fails one statement makes the transaction fail, as a crash or a full disk
 * would: then neither the change nor its event is there.
 */
describe('a change whose transaction fails', () => {
  let t: TestApp;
  let owner: Account;
  let target: CreateCommentResponse;
  beforeEach(async () => {
    t = await makeTestApp();
    owner = await signedIn(t, { name: 'Owner', role: 'owner' });
    target = await post(t, { body: 'The comment under test' });
  });
  afterEach(() => t.close());

  const failOn = async (table: string, when: 'insert' | 'update' | 'delete'): Promise<void> => {
    await sql
      .raw(
        `create trigger fail_${table}_${when} before ${when} on ${table} begin select raise(abort, 'injected failure'); end`,
      )
      .execute(t.deps.db);
  };

  const state = async () => ({
    comment: await t.deps.db
      .selectFrom('comments')
      .select(['status', 'body_source', 'pinned'])
      .where('id', '=', target.comment.id)
      .executeTakeFirst(),
    thread: await t.deps.db
      .selectFrom('threads')
      .select(['locked', 'version'])
      .where('key', '=', THREAD)
      .executeTakeFirst(),
    comments: Number(
      (
        await t.deps.db
          .selectFrom('comments')
          .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    events: await lastId(t),
  });

  const changes: [string, () => Promise<Response>][] = [
    ['a new comment', () => t.post(guestComment({ thread: THREAD, body: 'Never saved' }))],
    [
      'an edit',
      () =>
        t.request(`/api/v1/comments/${target.comment.id}`, {
          method: 'PATCH',
          headers: {
            'Content-Type': 'application/json',
            'Confab-Edit-Token': target.editToken!,
          },
          body: JSON.stringify({ body: 'Never changed' }),
        }),
    ],
    [
      'a deletion',
      () =>
        t.request(`/api/v1/comments/${target.comment.id}`, {
          method: 'DELETE',
          headers: { 'Confab-Edit-Token': target.editToken! },
        }),
    ],
    ['a pin', () => act(t, owner, 'pin', [target.comment.id])],
    ['marking spam', () => act(t, owner, 'spam', [target.comment.id])],
    [
      'a lock',
      () =>
        t.request(`/api/v1/moderation/threads/lock?site=blog&thread=${THREAD}`, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json', ...owner.auth },
          body: JSON.stringify({ locked: true }),
        }),
    ],
  ];

  for (const [what, change] of changes) {
    it(`leaves neither ${what} nor its event when the event cannot be written`, async () => {
      const before = await state();
      await failOn('events', 'insert');
      const res = await change();
      assert.equal(res.status, 500, await res.clone().text());
      assert.deepEqual(await state(), before);
    });
  }

  it('leaves no event when the change itself fails after it (the audit entry of a pin)', async () => {
    const before = await state();
    await failOn('audit_log', 'insert');
    const res = await act(t, owner, 'pin', [target.comment.id]);
    assert.equal(res.status, 500);
    assert.deepEqual(await state(), before);
  });
});
