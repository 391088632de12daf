/**
 * `GET /api/v1/stream` against a real server on 127.0.0.1 (@hono/node-server on a random
 * port, a real SQLite file): events in order, resuming from `Last-Event-ID` with nothing
 * missed or doubled, held comments for those who may see them only, the caps, heartbeats,
 * slots given back on disconnect, one thread's events only, bad parameters, shutdown.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { get, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { serve } from '@hono/node-server';
import { createApp } from '../../server/app.js';
import type { CreateCommentResponse, LiveEvent, Problem } from '../../server/contract.js';
import type { Deps } from '../../server/deps.js';
import { createLiveStreams } from '../../server/services/live/streams.js';
import { addSite } from '../../server/services/sites/sites.js';
import { guestComment, json, makeTestApp, ORIGIN, type TestApp } from './helpers.js';
import { signedIn, type Account } from './support/accounts.js';

const THREAD = '/2014/03/my-post/';

interface Message {
  event: string;
  id: string | undefined;
  data: LiveEvent;
}

/** One stream as a client reads it: its answer, then its events one by one. */
interface Stream {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body of an answer that is not a stream. */
  problem: Problem | undefined;
  /** The next event (comment lines are counted, not returned); fails after 5 s. */
  next(): Promise<Message>;
  /** Comment lines (heartbeats) seen so far, and a promise of the next one. */
  heartbeats(): number;
  nextHeartbeat(): Promise<void>;
  retry: string | undefined;
  ended: Promise<void>;
  close(): void;
}

function listen(base: string, path: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const request = get(`${base}${path}`, { headers: { Origin: ORIGIN, ...headers } });
    request.on('error', reject);
    request.on('response', (response) => {
      response.setEncoding('utf8');
      // Closing it ourselves aborts it: that is no failure.
      response.on('error', () => undefined);
      const ended = new Promise<void>((done) => response.once('close', done));
      const stream: Stream = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        problem: undefined,
        next: () => Promise.reject(new Error('not a stream')),
        heartbeats: () => beats,
        nextHeartbeat: () =>
          new Promise((done) => {
            beatWaiters.push(done);
          }),
        retry: undefined,
        ended,
        close: () => {
          request.destroy();
        },
      };
      if (stream.status !== 200) {
        let text = '';
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          stream.problem = JSON.parse(text) as Problem;
          resolve(stream);
        });
        return;
      }
      const queue: Message[] = [];
      const waiters: ((m: Message) => void)[] = [];
      const beatWaiters: (() => void)[] = [];
      let beats = 0;
      let buffer = '';
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = new Map<string, string>();
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) {
              beats++;
              beatWaiters.splice(0).forEach((w) => {
                w();
              });
              continue;
            }
            const colon = line.indexOf(':');
            fields.set(line.slice(0, colon), line.slice(colon + 1).replace(/^ /, ''));
          }
          if (fields.has('retry')) stream.retry = fields.get('retry');
          const data = fields.get('data');
          if (data === undefined) continue;
          const message = {
            event: fields.get('event') ?? 'message',
            id: fields.get('id'),
            data: JSON.parse(data) as LiveEvent,
          };
          const waiter = waiters.shift();
          if (waiter) waiter(message);
          else queue.push(message);
        }
      });
      stream.next = () => {
        const queued = queue.shift();
        if (queued) return Promise.resolve(queued);
        return new Promise((done, fail) => {
          const timer = setTimeout(() => {
            fail(new Error(`no event within 5 s on ${path}`));
          }, 5000);
          waiters.push((m) => {
            clearTimeout(timer);
            done(m);
          });
        });
      };
      resolve(stream);
    });
  });
}

/** The app of `deps` on a random port of 127.0.0.1. */
async function serveOn(deps: Deps): Promise<{ base: string; close(): Promise<void> }> {
  const server = serve({ fetch: createApp(deps).fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      deps.live.close();
      await new Promise((done) => server.close(done));
    },
  };
}

const streamPath = (thread = THREAD, site = 'blog', extra = '') =>
  `/api/v1/stream?site=${site}&thread=${encodeURIComponent(thread)}${extra}`;

/** Opens a stream and reads its `ready`. */
async function ready(base: string, path = streamPath(), headers: Record<string, string> = {}) {
  const stream = await listen(base, path, headers);
  assert.equal(stream.status, 200, JSON.stringify(stream.problem));
  const first = await stream.next();
  assert.equal(first.event, 'ready');
  return { stream, id: first.id };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(condition(), 'the condition never held');
}

describe('GET /api/v1/stream', () => {
  let t: TestApp;
  let server: { base: string; close(): Promise<void> };
  let base: string;
  before(async () => {
    t = await makeTestApp();
    server = await serveOn(t.deps);
    base = server.base;
  });
  after(async () => {
    await server.close();
    await t.close();
  });

  const post = async (overrides: Record<string, unknown> = {}) => {
    const response = await t.post(guestComment(overrides));
    assert.ok(response.status === 201 || response.status === 202, await response.clone().text());
    return json<CreateCommentResponse>(response);
  };

  it('answers an event stream that no cache or proxy holds back, to the site’s origins', async () => {
    const stream = await listen(base, streamPath(), { 'Accept-Encoding': 'gzip, br' });
    assert.equal(stream.status, 200);
    assert.match(stream.headers['content-type'] ?? '', /^text\/event-stream/);
    assert.match(stream.headers['cache-control'] ?? '', /no-store/);
    assert.equal(stream.headers['x-accel-buffering'], 'no');
    assert.equal(stream.headers['content-encoding'], undefined);
    assert.equal(stream.headers['access-control-allow-origin'], ORIGIN);
    const first = await stream.next();
    assert.equal(stream.retry, '5000');
    assert.deepEqual(first.data, { kind: 'ready', commentId: null });
    assert.match(first.id ?? '', /^\d+$/);
    stream.close();
  });

  it('sends each new comment, edit and deletion in order, with the public view', async () => {
    const { stream } = await ready(base);
    const one = await post({ body: 'First words' });
    const two = await post({ body: 'Second words', parentId: one.comment.id });
    const created = [await stream.next(), await stream.next()];
    assert.deepEqual(
      created.map((m) => [m.event, m.data.commentId]),
      [
        ['comment.created', one.comment.id],
        ['comment.created', two.comment.id],
      ],
    );
    assert.ok(Number(created[1]?.id) > Number(created[0]?.id), 'ids increase');
    assert.deepEqual(created[0]?.data.comment, one.comment);
    assert.equal(created[1]?.data.comment?.parentId, one.comment.id);
    // Nothing private: the public view only.
    assert.doesNotMatch(JSON.stringify(created), /alice@example\.com|editToken|ip_hash/);

    const edit = await t.request(`/api/v1/comments/${one.comment.id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', 'Confab-Edit-Token': one.editToken ?? '' },
      body: JSON.stringify({ body: 'First words, *edited*' }),
    });
    assert.equal(edit.status, 200);
    const edited = await stream.next();
    assert.equal(edited.event, 'comment.edited');
    assert.match(edited.data.comment?.html ?? '', /<em>edited<\/em>/);

    const gone = await t.request(`/api/v1/comments/${two.comment.id}`, {
      method: 'DELETE',
      headers: { 'Confab-Edit-Token': two.editToken ?? '' },
    });
    assert.equal(gone.status, 200);
    const deleted = await stream.next();
    assert.deepEqual(
      { ...deleted.data, detail: undefined },
      {
        kind: 'comment.deleted',
        commentId: two.comment.id,
        comment: null,
        status: 'deleted',
        detail: undefined,
      },
    );
    stream.close();
  });

  it('sends only its own thread’s events', async () => {
    const { stream } = await ready(base, streamPath('/other/'));
    await post({ body: 'Not for that stream' });
    const mine = await post({ thread: '/other/', body: 'For that stream' });
    const first = await stream.next();
    assert.equal(first.data.commentId, mine.comment.id);
    stream.close();
  });

  it('reaches a thread that had no comment when the stream opened', async () => {
    const { stream } = await ready(base, streamPath('/brand-new/'));
    const first = await post({ thread: '/brand-new/', body: 'The very first' });
    assert.equal((await stream.next()).data.commentId, first.comment.id);
    stream.close();
  });

  it('resumes after Last-Event-ID with exactly what it missed, then goes on live', async () => {
    const thread = '/resume/';
    const { stream } = await ready(base, streamPath(thread));
    const a = await post({ thread, body: 'Resume a' });
    const b = await post({ thread, body: 'Resume b' });
    const seenA = await stream.next();
    assert.equal(seenA.data.commentId, a.comment.id);
    assert.equal((await stream.next()).data.commentId, b.comment.id);
    // The tab sleeps after it got `a` (b's event was lost with the connection).
    stream.close();
    const c = await post({ thread, body: 'Resume c' });
    await post({ body: 'Elsewhere meanwhile' });

    const again = await listen(base, streamPath(thread), { 'Last-Event-ID': seenA.id ?? '' });
    const replayed = [await again.next(), await again.next(), await again.next()];
    assert.deepEqual(
      replayed.map((m) => m.data.commentId ?? m.event),
      [b.comment.id, c.comment.id, 'ready'],
    );
    const d = await post({ thread, body: 'Resume d' });
    const live = await again.next();
    assert.equal(live.data.commentId, d.comment.id);
    assert.ok(Number(live.id) > Number(replayed[2]?.id));
    again.close();

    // The same with the query parameter, for clients that cannot set the header.
    const byQuery = await listen(base, streamPath(thread, 'blog', `&lastEventId=${live.id}`));
    assert.equal((await byQuery.next()).event, 'ready');
    const e = await post({ thread, body: 'Resume e' });
    assert.equal((await byQuery.next()).data.commentId, e.comment.id);
    byQuery.close();
  });

  it('says reset when it is asked to resume from an id the log never had', async () => {
    const stream = await listen(base, streamPath(), { 'Last-Event-ID': '999999999' });
    const reset = await stream.next();
    assert.equal(reset.event, 'reset');
    assert.ok(Number(reset.id) < 999999999);
    const later = await post({ body: 'After the reset' });
    assert.equal((await stream.next()).data.commentId, later.comment.id);
    stream.close();
  });

  it('refuses bad parameters as problems', async () => {
    const cases: [string, number, string][] = [
      ['/api/v1/stream?thread=/x/', 422, 'validation_failed'],
      ['/api/v1/stream?site=blog', 422, 'validation_failed'],
      ['/api/v1/stream?site=nope&thread=/x/', 404, 'site_not_found'],
      ['/api/v1/stream?site=blog&thread=not-a-path', 422, 'validation_failed'],
      ['/api/v1/stream?site=blog&thread=/x/&lastEventId=12abc', 422, 'validation_failed'],
    ];
    for (const [path, status, code] of cases) {
      const stream = await listen(base, path);
      assert.equal(stream.status, status, path);
      assert.match(stream.headers['content-type'] ?? '', /^application\/problem\+json/);
      assert.equal(stream.problem?.code, code, path);
    }
    const bad = await listen(base, streamPath(), { 'Last-Event-ID': 'x' });
    assert.equal(bad.status, 422);
    assert.equal(bad.problem?.errors?.[0]?.field, 'lastEventId');
  });

  it('ends every stream when the server stops, before the database closes', async () => {
    const own = await makeTestApp();
    const app = await serveOn(own.deps);
    const { stream } = await ready(app.base);
    assert.equal(own.deps.live.size, 1);
    own.deps.live.close();
    await stream.ended;
    assert.equal(own.deps.live.size, 0);
    await app.close();
    await own.close();
  });
});

describe('GET /api/v1/stream: held comments', () => {
  let t: TestApp;
  let server: { base: string; close(): Promise<void> };
  let mod: Account;
  let reader: Account;
  const thread = '/held/';
  before(async () => {
    t = await makeTestApp();
    await addSite(t.deps, 'strict', {
      origins: [ORIGIN],
      moderation: 'all',
      rateLimit: 0,
      minFillSeconds: 0,
      threadRateLimit: 0,
      newThreadLimit: 0,
    });
    mod = await signedIn(t, { name: 'Mod', role: 'moderator', site: 'strict' });
    reader = await signedIn(t, { name: 'Reader', site: 'strict' });
    server = await serveOn(t.deps);
  });
  after(async () => {
    await server.close();
    await t.close();
  });

  const path = streamPath(thread, 'strict');

  it('shows a held comment to the moderator and its signed-in author, never to anyone else', async () => {
    const anonymous = (await ready(server.base, path)).stream;
    const staff = (await ready(server.base, path, mod.auth)).stream;
    const author = (await ready(server.base, path, reader.auth)).stream;
    const other = (await ready(server.base, path, (await signedIn(t, { site: 'strict' })).auth))
      .stream;

    const response = await t.request('/api/v1/comments', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...reader.auth },
      body: JSON.stringify({ site: 'strict', thread, body: 'Held for review, please' }),
    });
    assert.equal(response.status, 202);
    const held = await json<CreateCommentResponse>(response);

    for (const stream of [staff, author]) {
      const event = await stream.next();
      assert.equal(event.event, 'comment.created');
      assert.equal(event.data.comment?.status, 'pending');
      assert.equal(event.data.comment.id, held.comment.id);
    }

    // The moderator approves it: now everyone hears of it, the public first as new.
    const approve = await t.request('/api/v1/moderation/actions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...mod.auth },
      body: JSON.stringify({ site: 'strict', action: 'approve', ids: [held.comment.id] }),
    });
    assert.equal(approve.status, 200);
    for (const stream of [anonymous, other, staff, author]) {
      const event = await stream.next();
      assert.equal(event.event, 'comment.approved');
      assert.equal(event.data.comment?.status, 'published');
    }
    for (const s of [anonymous, staff, author, other]) s.close();
  });

  it('tells readers who may not see it only that a comment left, when it is held again', async () => {
    const guest = await t.post(guestComment({ site: 'strict', thread, body: 'A guest, held' }));
    assert.equal(guest.status, 202);
    const id = (await json<CreateCommentResponse>(guest)).comment.id;
    const approve = (action: string) =>
      t.request('/api/v1/moderation/actions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...mod.auth },
        body: JSON.stringify({ site: 'strict', action, ids: [id] }),
      });
    assert.equal((await approve('approve')).status, 200);
    const anonymous = (await ready(server.base, path)).stream;
    assert.equal((await approve('spam')).status, 200);
    const event = await anonymous.next();
    assert.deepEqual(
      { kind: event.data.kind, comment: event.data.comment, status: event.data.status },
      { kind: 'comment.spam', comment: null, status: 'spam' },
    );
    anonymous.close();
  });

  it('replays a held comment to the moderator on resume, and not to a guest', async () => {
    const staff = await ready(server.base, path, mod.auth);
    const guest = await ready(server.base, path);
    staff.stream.close();
    guest.stream.close();
    const response = await t.post(
      guestComment({ site: 'strict', thread, body: 'Held while away' }),
    );
    const held = await json<CreateCommentResponse>(response);
    const published = await t.request('/api/v1/comments', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...mod.auth },
      body: JSON.stringify({ site: 'strict', thread, body: 'Staff write published' }),
    });
    const mine = await json<CreateCommentResponse>(published);
    assert.equal(mine.comment.status, 'published');

    const staffAgain = await listen(server.base, path, {
      ...mod.auth,
      'Last-Event-ID': staff.id ?? '',
    });
    assert.deepEqual(
      [(await staffAgain.next()).data.commentId, (await staffAgain.next()).data.commentId],
      [held.comment.id, mine.comment.id],
    );
    const guestAgain = await listen(server.base, path, { 'Last-Event-ID': guest.id ?? '' });
    const first = await guestAgain.next();
    assert.equal(first.data.commentId, mine.comment.id);
    staffAgain.close();
    guestAgain.close();
  });
});

describe('GET /api/v1/stream: caps, heartbeats, sessions', () => {
  let t: TestApp;
  let server: { base: string; close(): Promise<void> };
  before(async () => {
    t = await makeTestApp({
      env: {
        CONFAB_LIVE_PER_CLIENT: '2',
        CONFAB_LIVE_MAX: '3',
        CONFAB_LIVE_HEARTBEAT_MS: '20',
        CONFAB_TRUST_PROXY: '127.0.0.1',
      },
    });
    server = await serveOn(t.deps);
  });
  after(async () => {
    await server.close();
    await t.close();
  });

  const from = (address: string) => ({ 'X-Forwarded-For': address });

  it('refuses a client past its cap with 429, and takes it again once a stream closes', async () => {
    const a = await ready(server.base, streamPath(), from('198.51.100.1'));
    const b = await ready(server.base, streamPath('/b/'), from('198.51.100.1'));
    const refused = await listen(server.base, streamPath(), from('198.51.100.1'));
    assert.equal(refused.status, 429);
    assert.equal(refused.problem?.code, 'too_many_streams');
    assert.equal(refused.headers['retry-after'], '30');
    assert.match(refused.headers['content-type'] ?? '', /^application\/problem\+json/);

    a.stream.close();
    await until(() => t.deps.live.size === 1);
    const c = await ready(server.base, streamPath(), from('198.51.100.1'));
    b.stream.close();
    c.stream.close();
    await until(() => t.deps.live.size === 0);
  });

  it('refuses anyone once the server holds its most streams', async () => {
    const held = [
      await ready(server.base, streamPath(), from('198.51.100.1')),
      await ready(server.base, streamPath(), from('198.51.100.1')),
      await ready(server.base, streamPath(), from('198.51.100.2')),
    ];
    const refused = await listen(server.base, streamPath(), from('198.51.100.3'));
    assert.equal(refused.status, 429);
    assert.equal(refused.problem?.code, 'too_many_streams');
    for (const h of held) h.stream.close();
    await until(() => t.deps.live.size === 0);
    (await ready(server.base, streamPath(), from('198.51.100.3'))).stream.close();
  });

  it('sends a heartbeat comment on the interval, to every stream', async () => {
    const one = await ready(server.base, streamPath(), from('198.51.100.4'));
    const two = await ready(server.base, streamPath('/b/'), from('198.51.100.4'));
    await Promise.all([one.stream.nextHeartbeat(), two.stream.nextHeartbeat()]);
    await one.stream.nextHeartbeat();
    assert.ok(one.stream.heartbeats() >= 2);
    one.stream.close();
    two.stream.close();
  });

  it('ends a moderator’s stream once their session ends', async () => {
    const mod = await signedIn(t, { role: 'moderator' });
    const { stream } = await ready(server.base, streamPath(), {
      ...mod.auth,
      ...from('198.51.100.5'),
    });
    const logout = await t.request('/auth/logout', { method: 'POST', headers: mod.auth });
    assert.equal(logout.status, 204);
    await stream.ended;
  });
});

describe('GET /api/v1/stream: a gap too large to replay', () => {
  it('says reset, then goes on live', async () => {
    const t = await makeTestApp();
    const deps = {
      ...t.deps,
      live: createLiveStreams({ perClient: 10, max: 10, heartbeatMs: 25_000, replayLimit: 2 }),
    };
    const server = await serveOn(deps);
    const first = await ready(server.base);
    first.stream.close();
    for (const body of ['gap one', 'gap two', 'gap three']) {
      assert.equal((await t.post(guestComment({ body }))).status, 201);
    }
    const stream = await listen(server.base, streamPath(), { 'Last-Event-ID': first.id ?? '' });
    const reset = await stream.next();
    assert.equal(reset.event, 'reset');
    const next = await json<CreateCommentResponse>(await t.post(guestComment({ body: 'after' })));
    const event = await stream.next();
    assert.equal(event.data.commentId, next.comment.id);
    assert.ok(Number(event.id) > Number(reset.id));
    stream.close();
    await server.close();
    await t.close();
  });
});
