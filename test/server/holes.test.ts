/**
 * The holes found in the write and read paths (issue 9, section 3): each was reproduced
 * against the server as it was, and is closed here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type {
  CountsResponse,
  CreateCommentResponse,
  Problem,
  ThreadResponse,
} from '../../server/contract.js';
import { createApp } from '../../server/app.js';
import { AppError } from '../../server/errors.js';
import type { Renderer } from '../../server/services/common/render-pool.js';
import { addSite } from '../../server/services/sites/sites.js';
import { guestComment, json, makeTestApp, ORIGIN, type TestApp } from './helpers.js';
import { importInto, stored, writeTemp, wxr, wxrItem } from './import-support.js';
import { signedIn } from './support/accounts.js';

async function problemOf(response: Response, status: number, code: string): Promise<Problem> {
  assert.equal(response.status, status, await response.clone().text());
  assert.match(response.headers.get('Content-Type') ?? '', /^application\/problem\+json/);
  const problem = await json<Problem>(response);
  assert.equal(problem.code, code);
  return problem;
}

async function threadOf(t: TestApp, key: string): Promise<ThreadResponse> {
  const res = await t.request(`/api/v1/threads?site=blog&thread=${encodeURIComponent(key)}`);
  assert.equal(res.status, 200, await res.clone().text());
  return json<ThreadResponse>(res);
}

describe('a repeated Idempotency-Key', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('never hands the edit token to whoever else sends the key', async () => {
    const headers = { 'Idempotency-Key': 'seen-by-the-neighbour' };
    const post = guestComment({ thread: '/nat/' });
    const mine = await json<CreateCommentResponse>(await t.post(post, { headers }));
    assert.equal(typeof mine.editToken, 'string');
    // Someone else behind the same address (a NAT) replays the exact request.
    const theirs = await t.post(post, { headers });
    assert.equal(theirs.status, 201);
    const replay = await json<CreateCommentResponse>(theirs);
    assert.equal(replay.comment.id, mine.comment.id);
    assert.equal(replay.editToken, undefined);
    assert.equal(replay.replayed, true);
    // And with a different body or name, the key is not a way in at all.
    await problemOf(
      await t.post({ ...post, body: 'Something else entirely' }, { headers }),
      422,
      'idempotency_key_reused',
    );
    await problemOf(
      await t.post({ ...post, author: { name: 'Mallory' } }, { headers }),
      422,
      'idempotency_key_reused',
    );
    assert.deepEqual(
      (await threadOf(t, '/nat/')).comments.map((c) => c.id),
      [mine.comment.id],
    );
  });

  it('counts a key per client: the same key from another address is a new comment', async () => {
    const headers = { 'Idempotency-Key': 'common-key' };
    const post = guestComment({ thread: '/per-client/' });
    const a = await json<CreateCommentResponse>(await t.post(post, { headers, ip: '192.0.2.1' }));
    const b = await t.post(
      { ...post, body: `${post.body as string} (me too)` },
      { headers, ip: '192.0.2.2' },
    );
    assert.equal(b.status, 201);
    assert.notEqual((await json<CreateCommentResponse>(b)).comment.id, a.comment.id);
  });
});

describe('request bodies that are not UTF-8', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  const bytes = (json: string, invalid: number[]): ArrayBuffer => {
    const [head = '', tail = ''] = json.split('@@');
    const buffer = Buffer.concat([Buffer.from(head), Buffer.from(invalid), Buffer.from(tail)]);
    return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length);
  };

  it('refuses invalid UTF-8 with 400 invalid_encoding and stores nothing', async () => {
    const json = JSON.stringify(guestComment({ thread: '/utf8/', body: 'Bad @@ bytes' }));
    for (const invalid of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      const res = await t.request('/api/v1/comments', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: bytes(json, invalid),
      });
      await problemOf(res, 400, 'invalid_encoding');
    }
    assert.equal((await threadOf(t, '/utf8/')).comments.length, 0);
  });

  it('refuses it on an edit too, and the comment keeps its text', async () => {
    const created = await json<CreateCommentResponse>(
      await t.post(guestComment({ thread: '/utf8-edit/', body: 'Good text' })),
    );
    const res = await t.request(`/api/v1/comments/${created.comment.id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', 'Confab-Edit-Token': created.editToken! },
      body: bytes('{"body":"Now @@ broken"}', [0xfe]),
    });
    await problemOf(res, 400, 'invalid_encoding');
    assert.equal((await threadOf(t, '/utf8-edit/')).comments[0]?.html, '<p>Good text</p>');
  });
});

describe('thread keys', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('are normalised: one page is one thread however its path is spelled', async () => {
    const spellings = [
      '/2014/03/post/',
      '/2014/./03/post/',
      '/2014/x/../03/post/',
      '/2014//03///post/',
      '/2014/%2e/03/post/',
      '/2014/x/%2E%2e/03/post/',
    ];
    for (const [i, thread] of spellings.entries()) {
      const res = await t.post(guestComment({ thread, body: `Spelling number ${String(i)}` }));
      assert.equal(res.status, 201, thread);
    }
    const threads = await t.deps.db.selectFrom('threads').select('key').execute();
    assert.deepEqual(
      threads.map((r) => r.key),
      ['/2014/03/post/'],
    );
    for (const spelling of spellings) {
      const page = await threadOf(t, spelling);
      assert.equal(page.thread.key, '/2014/03/post/');
      assert.equal(page.comments.length, spellings.length, spelling);
    }
    const counts = await json<CountsResponse>(
      await t.request(`/api/v1/counts?site=blog&thread=${encodeURIComponent('/2014//03/post/')}`),
    );
    assert.deepEqual(counts.counts, { '/2014//03/post/': spellings.length });
  });

  it('refuses escaped control characters (NUL and the like) with 422', async () => {
    for (const thread of ['/a%00/', '/%0a/', '/x/%1F', '/del%7f/']) {
      const problem = await problemOf(
        await t.post(guestComment({ thread })),
        422,
        'validation_failed',
      );
      assert.equal(problem.errors?.[0]?.field, 'thread');
      const read = await t.request(
        `/api/v1/threads?site=blog&thread=${encodeURIComponent(thread)}`,
      );
      await problemOf(read, 422, 'validation_failed');
    }
  });
});

describe('new threads per site', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({ site: { newThreadLimit: 5 } });
  });
  after(() => t.close());

  it('are capped per hour even when the client limit is off', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await t.post(guestComment({ thread: `/new/${String(i)}/` }), {
        ip: `198.51.100.${String(i)}`,
      });
      assert.equal(res.status, 201);
    }
    const sixth = await t.post(guestComment({ thread: '/new/5/' }), { ip: '198.51.100.99' });
    const problem = await problemOf(sixth, 429, 'rate_limited');
    assert.match(problem.detail ?? '', /new threads on this site per hour/);
    assert.ok(Number(sixth.headers.get('Retry-After')) > 0);
    assert.equal((await threadOf(t, '/new/5/')).comments.length, 0);
    // Threads that exist take comments as before; staff are not counted.
    assert.equal((await t.post(guestComment({ thread: '/new/0/' }))).status, 201);
    const owner = await signedIn(t, { name: 'Site Owner', role: 'owner' });
    const staffPost = await t.post(guestComment({ thread: '/new/by-staff/' }), {
      headers: owner.auth,
    });
    assert.equal(staffPost.status, 201);
    // An hour later, new pages get their first comments again.
    t.advance(3_600_000);
    assert.equal((await t.post(guestComment({ thread: '/new/6/' }))).status, 201);
  });
});

describe("a registered reader's name", () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('may not be taken by a guest, nor a look-alike of it', async () => {
    const tomas = await signedIn(t, { name: 'Tomás Ferreira' });
    assert.equal(
      (await t.post(guestComment({ thread: '/names/' }), { headers: tomas.auth })).status,
      201,
    );
    for (const name of ['Tomás Ferreira', 'tomas ferreira', 'T0más  Ferreira', 'Тomás Ferreira']) {
      const problem = await problemOf(
        await t.post(guestComment({ thread: '/names/', author: { name } })),
        422,
        'validation_failed',
      );
      assert.deepEqual(
        problem.errors?.map((e) => [e.field, e.code]),
        [['author.name', 'reserved']],
      );
      const [error] = problem.errors ?? [];
      assert.match(error?.message ?? '', /reader with an account here; sign in/);
    }
    // A name that only a reader of another site has is free here.
    await addSite(t.deps, 'other', { origins: ['https://other.example'] });
    await signedIn(t, {
      name: 'Someone Elsewhere',
      site: 'other',
      origin: 'https://other.example',
    });
    const free = await t.post(
      guestComment({ thread: '/names/', author: { name: 'Someone Elsewhere' } }),
    );
    assert.equal(free.status, 201);
  });
});

describe('rendering', () => {
  let t: TestApp;
  before(async () => {
    // Workers, as `serve` renders.
    t = await makeTestApp({ env: { CONFAB_RENDER_THREADS: '1' } });
  });
  after(() => t.close());

  it('keeps answering other requests while pathological bodies render', async () => {
    const bodies = ['__*_'.repeat(2400), '['.repeat(9999), 'a_http://a.ba@b.c'.repeat(580)];
    let previewsDone = 0;
    const previews = Array.from({ length: 12 }, (_, i) =>
      t
        .request('/api/v1/preview', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ site: 'blog', body: bodies[i % bodies.length] }),
          ip: `203.0.113.${String(i)}`,
        })
        .then((res) => {
          previewsDone += 1;
          return res;
        }),
    );
    const health = await t.request('/healthz');
    assert.equal(health.status, 200);
    const doneWhenHealthAnswered = previewsDone;
    const answers = await Promise.all(previews);
    assert.ok(answers.every((r) => r.status === 200));
    assert.ok(
      doneWhenHealthAnswered < previews.length / 2,
      `healthz waited for ${String(doneWhenHealthAnswered)} renders`,
    );
  });

  it('counts a post too complex to render as an attempt, against the limits', async () => {
    const limited = await makeTestApp({ site: { rateLimit: 2 } });
    try {
      // A renderer that gives up on every body, as the pool does past its time limit.
      const giveUp: Renderer = {
        version: limited.deps.renderer.version,
        render: () => Promise.reject(new AppError(422, 'too_complex')),
        close: () => Promise.resolve(),
      };
      const app = createApp({ ...limited.deps, renderer: giveUp });
      const env = { incoming: { socket: { remoteAddress: '203.0.113.7' } } };
      for (let i = 0; i < 2; i++) {
        const res = await app.request(
          '/api/v1/comments',
          {
            method: 'POST',
            headers: { Origin: ORIGIN, 'Content-Type': 'application/json' },
            body: JSON.stringify(guestComment({ body: '__*_'.repeat(2400) })),
          },
          env,
        );
        await problemOf(res, 422, 'too_complex');
      }
      // Two attempts in the minute: the third is one too many, however simple.
      await problemOf(await limited.post(guestComment()), 429, 'rate_limited');
    } finally {
      await limited.close();
    }
  });

  it('counts previews per client even on a site without comment limits', async () => {
    const preview = () =>
      t.request('/api/v1/preview', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ site: 'blog', body: 'Just *checking*' }),
        ip: '192.0.2.200',
      });
    for (let i = 0; i < 120; i++) assert.equal((await preview()).status, 200);
    await problemOf(await preview(), 429, 'rate_limited');
  });
});

describe('a full disk', () => {
  let t: TestApp;
  const logged: string[] = [];
  before(async () => {
    t = await makeTestApp({
      logger: {
        info: () => undefined,
        error: (message, error) => {
          logged.push(`${message} ${String((error as { code?: string } | undefined)?.code)}`);
        },
      },
    });
  });
  after(() => t.close());

  const pages = async (): Promise<number> => {
    const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(t.deps.db);
    return rows[0]?.page_count ?? 0;
  };

  it('answers writes with 503 storage_unavailable, keeps reads, and /healthz says so', async () => {
    const kept = await json<CreateCommentResponse>(
      await t.post(guestComment({ thread: '/disk/', body: 'Written before the disk filled' })),
    );
    // SQLite's own limit on the file's size: a write beyond it fails as on a full disk.
    await sql.raw(`pragma max_page_count = ${String(await pages())}`).execute(t.deps.db);
    const big = 'A long comment that needs new pages in the file. '.repeat(180);
    for (let i = 0; i < 3; i++) {
      const res = await t.post(guestComment({ thread: `/disk/${String(i)}/`, body: `${big}${i}` }));
      const problem = await problemOf(res, 503, 'storage_unavailable');
      assert.equal(res.headers.get('Retry-After'), '30');
      assert.equal(problem.retryAfter, 30);
    }
    assert.ok(
      logged.some((line) => line.includes('cannot be written') && line.includes('SQLITE_FULL')),
      logged.join('\n'),
    );
    assert.ok(!logged.some((line) => line.includes('cannot rollback')), logged.join('\n'));
    const health = await t.request('/healthz');
    const problem = await problemOf(health, 503, 'storage_unavailable');
    assert.match(problem.detail ?? '', /SQLITE_FULL/);
    const page = await threadOf(t, '/disk/');
    assert.deepEqual(
      page.comments.map((c) => c.id),
      [kept.comment.id],
    );

    // Space again: a minute after the last failure, /healthz tries a write and recovers.
    await sql.raw('pragma max_page_count = 1073741823').execute(t.deps.db);
    await problemOf(await t.request('/healthz'), 503, 'storage_unavailable');
    t.advance(60_000);
    assert.equal((await t.request('/healthz')).status, 200);
    const res = await t.post(guestComment({ thread: '/disk/0/', body: `${big}again` }));
    assert.equal(res.status, 201);
  });
});

describe('names in imports', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('are text, kept as written in every format, controls and bidi overrides aside', async () => {
    const disqus = writeTemp(
      t,
      'names-disqus.xml',
      `<?xml version="1.0"?><disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="1"><link>https://blog.example/dq/</link><title>T</title></thread>
<post dsq:id="10"><message><![CDATA[<p>hi</p>]]></message><createdAt>2013-10-10T19:20:29Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Reader &lt;b&gt;</name></author><thread dsq:id="1"/></post>
<post dsq:id="11"><message><![CDATA[<p>ho</p>]]></message><createdAt>2013-10-10T19:21:29Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Tom &amp; Jerry&#x202E;</name></author><thread dsq:id="1"/></post>
</disqus>`,
    );
    await importInto(t, 'disqus', disqus);
    // WordPress stores names HTML-escaped: decoded once, not stripped.
    const wordpress = writeTemp(
      t,
      'names.xml',
      wxr(
        wxrItem('https://blog.example/wp/', 1, [
          { id: 1, author: 'Reader &lt;b&gt;' },
          { id: 2, author: 'Tom &amp; Jerry' },
        ]),
      ),
    );
    await importInto(t, 'wordpress', wordpress);
    const isso = writeTemp(
      t,
      'names-isso.json',
      JSON.stringify([
        {
          id: '/isso/',
          title: 'T',
          comments: [{ id: 1, author: '<i>Ivy</i> & co', text: 'hey', mode: 1, created: 1 }],
        },
      ]),
    );
    await importInto(t, 'isso', isso);
    const names = (await stored(t)).map((r) => r.author_name).sort();
    assert.deepEqual(names, [
      '<i>Ivy</i> & co',
      'Reader <b>',
      'Reader <b>',
      'Tom & Jerry',
      'Tom & Jerry',
    ]);
    // The public API sends them as the text they are.
    const page = await threadOf(t, '/dq/');
    assert.deepEqual(
      page.comments.map((c) => c.author?.name),
      ['Reader <b>', 'Tom & Jerry'],
    );
  });
});

describe('the site origin of a write', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('keeps a page address with a long query, and a long title, instead of refusing them', async () => {
    const long = `${ORIGIN}/long/?utm_source=${'x'.repeat(5000)}`;
    const res = await t.post(
      guestComment({ thread: '/long/', threadUrl: long, threadTitle: `${'Word '.repeat(120)}end` }),
    );
    assert.equal(res.status, 201, await res.clone().text());
    const page = await threadOf(t, '/long/');
    assert.equal(page.thread.url, `${ORIGIN}/long/`);
    assert.ok(page.thread.title !== null && Array.from(page.thread.title).length <= 300);
    assert.ok(page.thread.title.endsWith('…'));
  });
});
