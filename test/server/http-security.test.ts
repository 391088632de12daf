/**
 * The HTTP surface against security.md section 7: T9, T12-T14 (CSRF, CORS, tenants),
 * T25 (headers), T26 (query fuzz), T28 (no private data out), T29 (rate limits and
 * client addresses), plus the error shapes, the widget bundle and the health check.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type {
  CreateCommentResponse,
  Problem,
  ThreadResponse,
  UpdateCommentResponse,
} from '../../server/contract.js';
import { hashClientAddress } from '../../server/services/common/clients.js';
import { addSite } from '../../server/services/sites/sites.js';
import { guestComment, json, makeTestApp, ORIGIN, type TestApp } from './helpers.js';

const THREAD = '/2014/03/my-post/';
const OTHER_ORIGIN = 'https://other.example';

async function problemOf(response: Response, status: number, code: string): Promise<Problem> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  assert.match(response.headers.get('Content-Type') ?? '', /^application\/problem\+json/);
  const problem = JSON.parse(text) as Problem;
  assert.equal(problem.code, code);
  assert.equal(problem.status, status);
  assert.equal(typeof problem.title, 'string');
  assert.ok(problem.title.length > 0);
  assert.equal(typeof problem.type, 'string');
  assert.ok(problem.type.includes(code), `type ${problem.type} names ${code}`);
  return problem;
}

async function readThread(t: TestApp, thread = THREAD, query = ''): Promise<ThreadResponse> {
  const params = new URLSearchParams({ site: 'blog', thread });
  const response = await t.request(`/api/v1/threads?${params}${query}`);
  assert.equal(response.status, 200, await response.clone().text());
  return json<ThreadResponse>(response);
}

async function create(t: TestApp, overrides: Record<string, unknown> = {}) {
  const response = await t.post(guestComment(overrides));
  assert.equal(response.status, 201, await response.clone().text());
  return json<CreateCommentResponse>(response);
}

function sendJson(
  t: TestApp,
  method: string,
  path: string,
  body: unknown,
  init: { origin?: string | null; headers?: Record<string, string>; ip?: string } = {},
): Promise<Response> {
  return t.request(path, {
    method,
    origin: init.origin,
    ip: init.ip,
    headers: { 'Content-Type': 'application/json', ...init.headers },
    body: JSON.stringify(body),
  });
}

describe('write routes (T12 CSRF)', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(async () => {
    await t.close();
  });

  const comment = JSON.stringify(guestComment());
  const refused: [string, () => RequestInit][] = [
    [
      'a text/plain form post',
      () => ({ headers: { 'Content-Type': 'text/plain' }, body: comment }),
    ],
    [
      'a form-urlencoded post with a JSON-shaped field name',
      () => ({ body: new URLSearchParams({ [comment.slice(0, -1) + ',"x":"']: '"}' }) }),
    ],
    [
      'a multipart form post',
      () => {
        const form = new FormData();
        form.set('body', comment);
        return { body: form };
      },
    ],
    ['a post without Content-Type (a no-cors Blob)', () => ({ body: new Blob([comment]) })],
    [
      'a post whose Content-Type only mentions JSON in a parameter',
      () => ({ headers: { 'Content-Type': 'text/plain; x=application/json' }, body: comment }),
    ],
  ];

  describe('POST /api/v1/comments', () => {
    for (const [name, init] of refused) {
      it(`refuses ${name}`, async () => {
        const response = await t.request('/api/v1/comments', { method: 'POST', ...init() });
        await problemOf(response, 415, 'unsupported_media_type');
        assert.deepEqual((await readThread(t)).comments, []);
      });
    }

    it('refuses a post without Origin', async () => {
      const response = await t.post(guestComment(), { origin: null });
      await problemOf(response, 403, 'origin_not_allowed');
      assert.deepEqual((await readThread(t)).comments, []);
    });

    it('refuses a post with Origin: null', async () => {
      const response = await t.post(guestComment(), { origin: 'null' });
      await problemOf(response, 403, 'origin_not_allowed');
      assert.deepEqual((await readThread(t)).comments, []);
    });
  });

  describe('POST /api/v1/preview', () => {
    for (const [name, init] of refused) {
      it(`refuses ${name}`, async () => {
        const response = await t.request('/api/v1/preview', { method: 'POST', ...init() });
        await problemOf(response, 415, 'unsupported_media_type');
      });
    }

    it('refuses a preview without Origin', async () => {
      const response = await sendJson(
        t,
        'POST',
        '/api/v1/preview',
        { site: 'blog', body: 'hi' },
        { origin: null },
      );
      await problemOf(response, 403, 'origin_not_allowed');
    });
  });

  describe('PATCH and DELETE /api/v1/comments/:id', () => {
    refused.forEach(([name, init], index) => {
      it(`refuses ${name} as an edit, keeping the comment`, async () => {
        const thread = `/csrf/edit-${index}/`;
        const { comment: posted, editToken } = await create(t, { thread });
        const request = init();
        const response = await t.request(`/api/v1/comments/${posted.id}`, {
          method: 'PATCH',
          ...request,
          headers: {
            ...(request.headers as Record<string, string> | undefined),
            'Confab-Edit-Token': editToken ?? '',
          },
        });
        await problemOf(response, 415, 'unsupported_media_type');
        const { comments } = await readThread(t, thread);
        assert.equal(comments[0]?.html, posted.html);
        assert.equal(comments[0].editedAt, null);
      });
    });

    it('refuses an edit without Origin, even with the edit token', async () => {
      const { comment: posted, editToken } = await create(t, { thread: '/csrf/edit-origin/' });
      const response = await sendJson(
        t,
        'PATCH',
        `/api/v1/comments/${posted.id}`,
        { body: 'changed' },
        { origin: null, headers: { 'Confab-Edit-Token': editToken ?? '' } },
      );
      await problemOf(response, 403, 'origin_not_allowed');
      const { comments } = await readThread(t, '/csrf/edit-origin/');
      assert.equal(comments[0]?.html, posted.html);
    });

    it('refuses a delete without Origin, even with the edit token', async () => {
      const { comment: posted, editToken } = await create(t, { thread: '/csrf/delete-origin/' });
      const response = await t.request(`/api/v1/comments/${posted.id}`, {
        method: 'DELETE',
        origin: null,
        headers: { 'Confab-Edit-Token': editToken ?? '' },
      });
      await problemOf(response, 403, 'origin_not_allowed');
      assert.equal((await readThread(t, '/csrf/delete-origin/')).comments.length, 1);
    });
  });
});

describe('CORS (T13)', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(async () => {
    await t.close();
  });

  const threadPath = `/api/v1/threads?site=blog&thread=${encodeURIComponent(THREAD)}`;
  const foreign = [
    'null',
    'https://blog.example.evil.test',
    'http://blog.example',
    'https://blog.example:444',
    'https://evil.test',
  ];

  function assertVaryOrigin(response: Response): void {
    const vary = (response.headers.get('Vary') ?? '').split(',').map((v) => v.trim());
    assert.ok(vary.includes('Origin'), `Vary: ${response.headers.get('Vary')}`);
  }

  it('echoes the site origin exactly on reads, with Vary: Origin', async () => {
    const response = await t.request(threadPath);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('Access-Control-Allow-Origin'), ORIGIN);
    assertVaryOrigin(response);
    assert.equal(response.headers.get('Access-Control-Allow-Credentials'), null);
  });

  it('echoes the site origin on writes and on their errors, so the widget can read them', async () => {
    const created = await t.post(guestComment({ thread: '/cors/write/' }));
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('Access-Control-Allow-Origin'), ORIGIN);
    assertVaryOrigin(created);
    const refused = await t.post(guestComment({ thread: '/cors/write/', body: '' }));
    assert.equal(refused.status, 422);
    assert.equal(refused.headers.get('Access-Control-Allow-Origin'), ORIGIN);
    assert.match(refused.headers.get('Access-Control-Expose-Headers') ?? '', /Retry-After/i);
    assert.equal(refused.headers.get('Access-Control-Allow-Credentials'), null);
  });

  for (const origin of foreign) {
    it(`never allows ${origin}`, async () => {
      const read = await t.request(threadPath, { origin });
      assert.equal(read.status, 200);
      assert.equal(read.headers.get('Access-Control-Allow-Origin'), null);
      assertVaryOrigin(read);
      const write = await t.post(guestComment({ thread: '/cors/foreign/' }), { origin });
      await problemOf(write, 403, 'origin_not_allowed');
      assert.equal(write.headers.get('Access-Control-Allow-Origin'), null);
      const preflight = await t.request('/api/v1/comments', {
        method: 'OPTIONS',
        origin,
        headers: {
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      });
      assert.equal(preflight.headers.get('Access-Control-Allow-Origin'), null);
      assert.equal(preflight.headers.get('Access-Control-Allow-Credentials'), null);
      assertVaryOrigin(preflight);
      assert.deepEqual((await readThread(t, '/cors/foreign/')).comments, []);
    });
  }

  it('never answers with a wildcard or credentials', async () => {
    for (const origin of [ORIGIN, ...foreign]) {
      for (const response of [
        await t.request(threadPath, { origin }),
        await t.request('/api/v1/comments', {
          method: 'OPTIONS',
          origin,
          headers: { 'Access-Control-Request-Method': 'POST' },
        }),
      ]) {
        assert.notEqual(response.headers.get('Access-Control-Allow-Origin'), '*');
        assert.equal(response.headers.get('Access-Control-Allow-Credentials'), null);
      }
    }
  });

  it('answers a preflight from the site origin with 204 and the headers the widget sends', async () => {
    const response = await t.request('/api/v1/comments', {
      method: 'OPTIONS',
      headers: {
        'Access-Control-Request-Method': 'PATCH',
        'Access-Control-Request-Headers': 'content-type, confab-edit-token',
      },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('Access-Control-Allow-Origin'), ORIGIN);
    assertVaryOrigin(response);
    const headers = (response.headers.get('Access-Control-Allow-Headers') ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase());
    assert.ok(headers.includes('content-type'), `Allow-Headers: ${headers.join(', ')}`);
    assert.ok(headers.includes('confab-edit-token'), `Allow-Headers: ${headers.join(', ')}`);
    const methods = (response.headers.get('Access-Control-Allow-Methods') ?? '')
      .split(',')
      .map((m) => m.trim());
    for (const method of ['POST', 'PATCH', 'DELETE']) assert.ok(methods.includes(method));
    assert.equal(response.headers.get('Access-Control-Allow-Credentials'), null);
  });

  it('answers a preflight from an unknown origin without Access-Control-Allow-Origin', async () => {
    const response = await t.request('/api/v1/comments', {
      method: 'OPTIONS',
      origin: 'https://evil.test',
      headers: { 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(response.headers.get('Access-Control-Allow-Origin'), null);
    assert.equal(response.headers.get('Access-Control-Allow-Headers'), null);
  });
});

describe('sites (T14)', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
    await addSite(t.deps, 'other', { origins: [OTHER_ORIGIN], rateLimit: 0, minFillSeconds: 0 });
  });
  after(async () => {
    await t.close();
  });

  it('refuses a comment for site blog from the other site’s origin', async () => {
    const response = await t.post(guestComment({ thread: '/tenant/a/' }), { origin: OTHER_ORIGIN });
    await problemOf(response, 403, 'origin_not_allowed');
    assert.deepEqual((await readThread(t, '/tenant/a/')).comments, []);
  });

  it('refuses a preview for site blog from the other site’s origin', async () => {
    const response = await sendJson(
      t,
      'POST',
      '/api/v1/preview',
      { site: 'blog', body: 'hi' },
      { origin: OTHER_ORIGIN },
    );
    await problemOf(response, 403, 'origin_not_allowed');
  });

  it('refuses an edit or delete of a blog comment from the other site’s origin', async () => {
    const { comment, editToken } = await create(t, { thread: '/tenant/edit/' });
    const token = { 'Confab-Edit-Token': editToken ?? '' };
    const edit = await sendJson(
      t,
      'PATCH',
      `/api/v1/comments/${comment.id}`,
      { body: 'changed' },
      { origin: OTHER_ORIGIN, headers: token },
    );
    await problemOf(edit, 403, 'origin_not_allowed');
    const remove = await t.request(`/api/v1/comments/${comment.id}`, {
      method: 'DELETE',
      origin: OTHER_ORIGIN,
      headers: token,
    });
    await problemOf(remove, 403, 'origin_not_allowed');
    const { comments } = await readThread(t, '/tenant/edit/');
    assert.equal(comments[0]?.html, comment.html);
  });

  it('takes a comment for site other from its own origin', async () => {
    const response = await t.post(
      guestComment({ site: 'other', thread: '/tenant/own/', threadUrl: `${OTHER_ORIGIN}/x/` }),
      { origin: OTHER_ORIGIN },
    );
    assert.equal(response.status, 201);
  });

  it('does not grant CORS on site blog’s threads to the other site’s origin', async () => {
    const response = await t.request(`/api/v1/threads?site=blog&thread=${THREAD}`, {
      origin: OTHER_ORIGIN,
    });
    assert.equal(response.headers.get('Access-Control-Allow-Origin'), null);
  });

  for (const threadUrl of [
    `${OTHER_ORIGIN}/2014/03/my-post/`,
    'https://evil.test/2014/03/my-post/',
    'https://blog.example.evil.test/2014/03/my-post/',
    'http://blog.example/2014/03/my-post/',
    'https://blog.example:444/2014/03/my-post/',
  ]) {
    it(`refuses threadUrl ${threadUrl} outside the site`, async () => {
      const response = await t.post(guestComment({ thread: '/tenant/url/', threadUrl }));
      await problemOf(response, 403, 'origin_not_allowed');
      assert.deepEqual((await readThread(t, '/tenant/url/')).comments, []);
    });
  }
});

describe('response headers and errors (T9, T25)', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(async () => {
    await t.close();
  });

  function assertApiHeaders(response: Response, what: string): void {
    assert.equal(response.headers.get('X-Content-Type-Options'), 'nosniff', what);
    const csp = response.headers.get('Content-Security-Policy') ?? '';
    assert.match(csp, /^default-src 'none'(;|$)/, `${what}: ${csp}`);
    assert.ok(
      csp.split(';').some((d) => d.trim() === 'sandbox'),
      `${what}: ${csp}`,
    );
  }

  it('sends nosniff and a sandboxing CSP with every API answer', async () => {
    const created = await t.post(guestComment());
    assert.equal(created.status, 201);
    assertApiHeaders(created, 'create');
    assertApiHeaders(await t.request(`/api/v1/threads?site=blog&thread=${THREAD}`), 'thread');
    assertApiHeaders(await t.request(`/api/v1/counts?site=blog&thread=${THREAD}`), 'counts');
    assertApiHeaders(
      await sendJson(t, 'POST', '/api/v1/preview', { site: 'blog', body: '<b>x</b>' }),
      'preview',
    );
    assertApiHeaders(await t.post(guestComment({ body: '' })), '422');
    assertApiHeaders(await t.request('/api/v1/comments'), '405');
    assertApiHeaders(await t.request('/api/v1/nothing-here'), '404');
    assertApiHeaders(
      await t.request('/api/v1/comments', { method: 'POST', body: 'x' }),
      '415 echoing the Content-Type',
    );
    assertApiHeaders(
      await t.request('/api/v1/comments', {
        method: 'OPTIONS',
        headers: { 'Access-Control-Request-Method': 'POST' },
      }),
      'preflight',
    );
  });

  it('answers JSON as application/json', async () => {
    const response = await t.request(`/api/v1/threads?site=blog&thread=${THREAD}`);
    assert.match(response.headers.get('Content-Type') ?? '', /^application\/json/);
  });

  it('answers a wrong method on a known route with 405 and Allow', async () => {
    const cases: [string, string, string][] = [
      ['GET', '/api/v1/comments', 'POST'],
      ['PUT', '/api/v1/comments', 'POST'],
      ['POST', '/api/v1/threads?site=blog&thread=/x/', 'GET'],
      ['DELETE', '/api/v1/counts?site=blog&thread=/x/', 'GET'],
      ['GET', '/api/v1/preview', 'POST'],
      ['POST', '/api/v1/comments/00000000-0000-4000-8000-000000000000', 'PATCH, DELETE'],
      ['POST', '/healthz', 'GET'],
      ['DELETE', '/confab.js', 'GET'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await t.request(path, { method });
      await problemOf(response, 405, 'method_not_allowed');
      const allowed = (response.headers.get('Allow') ?? '').split(',').map((m) => m.trim());
      assert.deepEqual(allowed, allow.split(', '), `${method} ${path}`);
    }
  });

  it('answers an unknown route with 404 problem+json', async () => {
    for (const path of [
      '/api/v1/nothing',
      '/api/v2/threads',
      '/wp-login.php',
      '/api/v1/comments/a/b',
    ]) {
      await problemOf(await t.request(path), 404, 'not_found');
    }
  });

  it('answers malformed JSON with 400 malformed_json', async () => {
    for (const body of ['{"site": "blog",', '', '{site: blog}', "{'a': 1}", '\u0000']) {
      const response = await t.request('/api/v1/comments', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      await problemOf(response, 400, 'malformed_json');
    }
    assert.deepEqual((await readThread(t, '/never/')).comments, []);
  });

  it('answers JSON that is not an object with 422', async () => {
    for (const body of ['[]', '[{"site":"blog"}]', '"a string"', '42', 'null', 'true']) {
      const response = await t.request('/api/v1/comments', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      await problemOf(response, 422, 'validation_failed');
    }
  });

  it('answers deeply nested JSON with a 4xx, never a 500', async () => {
    const bodies = [
      '['.repeat(50_000),
      '['.repeat(30_000) + ']'.repeat(30_000),
      '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
      `{"site":"blog","thread":"/nested/","body":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
    ];
    for (const body of bodies) {
      for (const path of ['/api/v1/comments', '/api/v1/preview']) {
        const response = await t.request(path, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
        });
        const text = await response.text();
        assert.ok(response.status >= 400 && response.status < 500, `${response.status}: ${text}`);
        assert.match(response.headers.get('Content-Type') ?? '', /^application\/problem\+json/);
      }
    }
    const health = await t.request('/healthz');
    assert.equal(health.status, 200);
  });

  it('says how long the server took on an API answer, and nothing more (Server-Timing)', async () => {
    for (const path of [
      '/api/v1/threads?site=blog&thread=/t/',
      '/api/v1/threads?site=none&thread=/t/',
    ]) {
      const response = await t.request(path);
      assert.match(response.headers.get('Server-Timing') ?? '', /^app;dur=\d+\.\d{2}$/, path);
      assert.equal(response.headers.get('Timing-Allow-Origin'), null);
    }
  });

  it('answers GET /healthz with 200 {status: "ok"}', async () => {
    const response = await t.request('/healthz', { origin: null });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });
});

describe('GET /api/v1/threads query fuzz (T26)', () => {
  let t: TestApp;
  let newestCursor: string;
  before(async () => {
    t = await makeTestApp();
    for (const body of ['first', 'second', 'third']) {
      await create(t, { body });
      t.advance(1000);
    }
    const page = await readThread(t, THREAD, '&sort=newest&limit=1');
    assert.ok(page.nextCursor !== null);
    newestCursor = page.nextCursor;
  });
  after(async () => {
    await t.close();
  });

  const cases: [string, string, string][] = [
    ['sort', 'oldest;drop table comments', 'sort=oldest%3Bdrop%20table%20comments'],
    ['sort', 'created_at desc', 'sort=created_at%20desc'],
    ['sort', "newest' OR '1'='1", `sort=${encodeURIComponent("newest' OR '1'='1")}`],
    ['sort', '(empty)', 'sort='],
    ['sort', 'NEWEST', 'sort=NEWEST'],
    ['limit', '-1', 'limit=-1'],
    ['limit', '1e3', 'limit=1e3'],
    ['limit', 'abc', 'limit=abc'],
    ['limit', '0', 'limit=0'],
    ['limit', '201', 'limit=201'],
    ['limit', '2.5', 'limit=2.5'],
    ['limit', '0x10', 'limit=0x10'],
    ['limit', '1;drop table comments', 'limit=1%3Bdrop%20table%20comments'],
    ['limit', '(empty)', 'limit='],
    ['cursor', 'garbage', 'cursor=garbage'],
    ['cursor', '(empty)', 'cursor='],
    [
      'cursor',
      'base64 of SQL',
      `cursor=${Buffer.from("'; drop table comments; --").toString('base64url')}`,
    ],
  ];

  for (const [field, value, query] of cases) {
    it(`refuses ${field}=${value} with 422 naming ${field}`, async () => {
      const response = await t.request(`/api/v1/threads?site=blog&thread=${THREAD}&${query}`);
      const problem = await problemOf(response, 422, 'validation_failed');
      assert.deepEqual(
        problem.errors?.map((e) => e.field),
        [field],
      );
      assert.doesNotMatch(JSON.stringify(problem), /sqlite|select |syntax|stack/i);
      assert.equal((await readThread(t)).comments.length, 3);
    });
  }

  it('refuses a cursor made for another sort', async () => {
    const response = await t.request(
      `/api/v1/threads?site=blog&thread=${THREAD}&sort=oldest&cursor=${newestCursor}`,
    );
    const problem = await problemOf(response, 422, 'validation_failed');
    assert.deepEqual(
      problem.errors?.map((e) => e.field),
      ['cursor'],
    );
  });

  it('still follows a cursor with its own sort', async () => {
    const page = await readThread(t, THREAD, `&sort=newest&limit=1&cursor=${newestCursor}`);
    assert.equal(page.comments.length, 1);
    assert.equal(page.comments[0]?.html, '<p>second</p>');
  });

  it('still reads the whole thread after the fuzz', async () => {
    const page = await readThread(t);
    assert.deepEqual(
      page.comments.map((c) => c.html),
      ['<p>first</p>', '<p>second</p>', '<p>third</p>'],
    );
  });
});

describe('public responses (T28)', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(async () => {
    await t.close();
  });

  const EMAIL = 'private.person@example.com';
  const IP = '203.0.113.9';
  const FORBIDDEN_KEY =
    /(^ip$|^ip[A-Z_]|_ip$|[a-z]Ip$|address|hash|e-?mail|token|secret|password)/i;

  function forbiddenKeys(value: unknown, path: string, allowed: Set<string>): string[] {
    if (Array.isArray(value)) {
      return value.flatMap((v, i) => forbiddenKeys(v, `${path}[${i}]`, allowed));
    }
    if (value === null || typeof value !== 'object') return [];
    return Object.entries(value).flatMap(([key, v]) => {
      const here = path === '' ? key : `${path}.${key}`;
      const own = FORBIDDEN_KEY.test(key) && !allowed.has(here) ? [here] : [];
      return [...own, ...forbiddenKeys(v, here, allowed)];
    });
  }

  function assertNothingPrivate(
    text: string,
    what: string,
    secrets: string[],
    allowed: string[] = [],
  ): void {
    assert.ok(!text.toLowerCase().includes(EMAIL), `${what} holds the email: ${text}`);
    assert.ok(!text.includes('203.0.113'), `${what} holds the address: ${text}`);
    assert.ok(!text.includes('private.person'), `${what} holds the email's local part`);
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `${what} holds ${secret}: ${text}`);
    }
    assert.deepEqual(forbiddenKeys(JSON.parse(text), '', new Set(allowed)), [], what);
  }

  it('returns no email, address, hash or token but the create response’s editToken', async () => {
    const created = await t.post(
      guestComment({
        author: { name: 'Private Person', email: EMAIL, url: 'https://person.example' },
        notify: true,
      }),
      { ip: IP },
    );
    assert.equal(created.status, 201);
    const createdText = await created.text();
    const { comment, editToken } = JSON.parse(createdText) as CreateCommentResponse;
    assert.ok(editToken !== undefined);
    const secrets = [
      t.deps.secret,
      hashClientAddress(t.deps.secret, IP) ?? 'no-hash',
      createHash('sha256').update(editToken).digest('hex'),
    ];
    assertNothingPrivate(createdText, 'create', secrets, ['editToken']);

    const reply = await t.post(
      guestComment({ parentId: comment.id, author: { name: 'Replier', email: `r.${EMAIL}` } }),
      { ip: IP },
    );
    assert.equal(reply.status, 201);
    const replyText = await reply.text();
    const replyToken = (JSON.parse(replyText) as CreateCommentResponse).editToken ?? '';
    assertNothingPrivate(replyText, 'reply', secrets, ['editToken']);

    const everyOtherToken = [...secrets, editToken, replyToken];
    const edit = await sendJson(
      t,
      'PATCH',
      `/api/v1/comments/${comment.id}`,
      { body: 'edited' },
      { ip: IP, headers: { 'Confab-Edit-Token': editToken } },
    );
    assert.equal(edit.status, 200);
    const editText = await edit.text();
    assert.equal((JSON.parse(editText) as UpdateCommentResponse).comment.html, '<p>edited</p>');
    assertNothingPrivate(editText, 'edit', everyOtherToken);

    const thread = await t.request(`/api/v1/threads?site=blog&thread=${THREAD}`, { ip: IP });
    const threadText = await thread.text();
    assert.equal((JSON.parse(threadText) as ThreadResponse).comments.length, 2);
    assertNothingPrivate(threadText, 'thread', everyOtherToken);

    const preview = await sendJson(
      t,
      'POST',
      '/api/v1/preview',
      { site: 'blog', body: `mail me at ${EMAIL}` },
      { ip: IP },
    );
    assert.equal(preview.status, 200);
    const previewText = await preview.text();
    assert.deepEqual(forbiddenKeys(JSON.parse(previewText), '', new Set()), []);
    assert.ok(!previewText.includes('203.0.113'));

    const counts = await t.request(`/api/v1/counts?site=blog&thread=${THREAD}`, { ip: IP });
    assertNothingPrivate(await counts.text(), 'counts', everyOtherToken);

    const deleted = await t.request(`/api/v1/comments/${comment.id}`, {
      method: 'DELETE',
      ip: IP,
      headers: { 'Confab-Edit-Token': editToken },
    });
    assert.equal(deleted.status, 200);
    assertNothingPrivate(await deleted.text(), 'delete', everyOtherToken);
    const afterDelete = await t.request(`/api/v1/threads?site=blog&thread=${THREAD}`, { ip: IP });
    assertNothingPrivate(await afterDelete.text(), 'thread after delete', everyOtherToken);
  });

  it('returns no email or address in error answers', async () => {
    const refused = await t.post(
      guestComment({ body: '', author: { name: 'Private Person', email: EMAIL } }),
      { ip: IP },
    );
    assert.equal(refused.status, 422);
    assertNothingPrivate(await refused.text(), '422', [t.deps.secret]);
  });
});

describe('rate limits (T29)', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({ site: { rateLimit: 2 } });
  });
  after(async () => {
    await t.close();
  });

  let threadNumber = 0;
  function postFrom(ip: string, headers: Record<string, string> = {}): Promise<Response> {
    threadNumber += 1;
    return t.post(guestComment({ thread: `/rate/${threadNumber}/` }), { ip, headers });
  }

  async function assertLimited(response: Response): Promise<void> {
    const problem = await problemOf(response, 429, 'rate_limited');
    const header = response.headers.get('Retry-After');
    assert.ok(header !== null, 'Retry-After header');
    assert.match(header, /^\d+$/);
    assert.equal(problem.retryAfter, Number(header));
    assert.ok(Number(header) >= 1 && Number(header) <= 60, `Retry-After: ${header}`);
    assert.match(response.headers.get('Access-Control-Expose-Headers') ?? '', /Retry-After/i);
  }

  it('answers the third comment in a minute from one address with 429 and Retry-After', async () => {
    assert.equal((await postFrom('198.51.100.1')).status, 201);
    assert.equal((await postFrom('198.51.100.1')).status, 201);
    const third = await postFrom('198.51.100.1');
    await assertLimited(third);
    assert.equal((await postFrom('198.51.100.2')).status, 201, 'another address is unaffected');
  });

  it('lets the address post again a minute later', async () => {
    assert.equal((await postFrom('198.51.100.3')).status, 201);
    assert.equal((await postFrom('198.51.100.3')).status, 201);
    await assertLimited(await postFrom('198.51.100.3'));
    t.advance(60_000);
    assert.equal((await postFrom('198.51.100.3')).status, 201);
  });

  it('stores nothing for a limited comment', async () => {
    for (let i = 0; i < 2; i++) assert.equal((await postFrom('198.51.100.4')).status, 201);
    threadNumber += 1;
    const thread = `/rate/${threadNumber}/`;
    const response = await t.post(guestComment({ thread }), { ip: '198.51.100.4' });
    await assertLimited(response);
    assert.deepEqual((await readThread(t, thread)).comments, []);
  });

  it('ignores X-Forwarded-For and X-Real-IP from a peer that is not a trusted proxy', async () => {
    assert.equal((await postFrom('198.51.100.5')).status, 201);
    assert.equal((await postFrom('198.51.100.5')).status, 201);
    await assertLimited(await postFrom('198.51.100.5', { 'X-Forwarded-For': '192.0.2.77' }));
    await assertLimited(await postFrom('198.51.100.5', { 'X-Real-IP': '192.0.2.78' }));
    await assertLimited(
      await postFrom('198.51.100.5', { 'X-Forwarded-For': '192.0.2.79, 127.0.0.1' }),
    );
  });

  it('puts IPv6 addresses of one /64 in one bucket, however they are spelled', async () => {
    assert.equal((await postFrom('2001:db8:1:2::1')).status, 201);
    assert.equal((await postFrom('2001:db8:1:2:ffff:ffff:ffff:fffe')).status, 201);
    await assertLimited(await postFrom('2001:0DB8:0001:0002:0000:0000:0000:0009'));
    await assertLimited(await postFrom('2001:db8:1:2:abcd::'));
    assert.equal((await postFrom('2001:db8:1:3::1')).status, 201, 'the next /64 is unaffected');
  });

  it('counts ::ffff:203.0.113.7 and 203.0.113.7 as one client', async () => {
    assert.equal((await postFrom('203.0.113.7')).status, 201);
    assert.equal((await postFrom('::ffff:203.0.113.7')).status, 201);
    await assertLimited(await postFrom('203.0.113.7'));
    await assertLimited(await postFrom('::FFFF:203.0.113.7'));
  });
});

describe('rate limits behind a trusted proxy (T29)', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({ site: { rateLimit: 2 }, env: { CONFAB_TRUST_PROXY: '127.0.0.1' } });
  });
  after(async () => {
    await t.close();
  });

  let threadNumber = 0;
  function viaProxy(forwardedFor: string, ip = '127.0.0.1'): Promise<Response> {
    threadNumber += 1;
    return t.post(guestComment({ thread: `/proxy/${threadNumber}/` }), {
      ip,
      headers: { 'X-Forwarded-For': forwardedFor },
    });
  }

  it('gives each forwarded client its own bucket', async () => {
    assert.equal((await viaProxy('192.0.2.10')).status, 201);
    assert.equal((await viaProxy('192.0.2.10')).status, 201);
    assert.equal((await viaProxy('192.0.2.10')).status, 429);
    assert.equal((await viaProxy('192.0.2.11')).status, 201);
    assert.equal((await viaProxy('192.0.2.11')).status, 201);
    assert.equal((await viaProxy('192.0.2.11')).status, 429);
  });

  it('takes the right-most hop the proxy added, not what the client prepended', async () => {
    assert.equal((await viaProxy('10.9.9.1, 192.0.2.20')).status, 201);
    assert.equal((await viaProxy('10.9.9.2, 192.0.2.20')).status, 201);
    assert.equal((await viaProxy('10.9.9.3, 192.0.2.20')).status, 429);
    assert.equal((await viaProxy('192.0.2.21, 192.0.2.20')).status, 429);
  });

  it('trusts the proxy when its address arrives IPv4-mapped', async () => {
    assert.equal((await viaProxy('192.0.2.30', '::ffff:127.0.0.1')).status, 201);
    assert.equal((await viaProxy('192.0.2.30', '::ffff:127.0.0.1')).status, 201);
    assert.equal((await viaProxy('192.0.2.30', '::ffff:127.0.0.1')).status, 429);
    assert.equal((await viaProxy('192.0.2.31', '::ffff:127.0.0.1')).status, 201);
  });

  it('ignores X-Forwarded-For from a peer that is not the trusted proxy', async () => {
    assert.equal((await viaProxy('192.0.2.40', '198.51.100.40')).status, 201);
    assert.equal((await viaProxy('192.0.2.41', '198.51.100.40')).status, 201);
    assert.equal((await viaProxy('192.0.2.42', '198.51.100.40')).status, 429);
  });
});

describe('GET /confab.js', () => {
  let t: TestApp;
  let js: Buffer;
  before(async () => {
    t = await makeTestApp({ widget: true });
    assert.ok(t.deps.widget !== undefined);
    js = t.deps.widget.js;
  });
  after(async () => {
    await t.close();
  });

  async function fetchWidget(headers: Record<string, string>): Promise<Response> {
    return t.request('/confab.js', { origin: null, headers });
  }

  function assertWidgetHeaders(response: Response): void {
    assert.match(response.headers.get('Content-Type') ?? '', /^text\/javascript/);
    assert.equal(response.headers.get('Access-Control-Allow-Origin'), '*');
    assert.equal(response.headers.get('Access-Control-Allow-Credentials'), null);
    assert.equal(response.headers.get('X-Content-Type-Options'), 'nosniff');
    assert.match(response.headers.get('Vary') ?? '', /Accept-Encoding/i);
    assert.ok(response.headers.get('ETag'));
  }

  it('sends brotli when Accept-Encoding has br', async () => {
    const response = await fetchWidget({ 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    assert.equal(response.status, 200);
    assertWidgetHeaders(response);
    assert.equal(response.headers.get('Content-Encoding'), 'br');
    const body = Buffer.from(await response.arrayBuffer());
    assert.ok(brotliDecompressSync(body).equals(js));
  });

  it('sends gzip when Accept-Encoding has gzip but not br', async () => {
    const response = await fetchWidget({ 'Accept-Encoding': 'gzip, deflate' });
    assert.equal(response.status, 200);
    assertWidgetHeaders(response);
    assert.equal(response.headers.get('Content-Encoding'), 'gzip');
    assert.ok(gunzipSync(Buffer.from(await response.arrayBuffer())).equals(js));
  });

  it('sends the plain file without Accept-Encoding', async () => {
    const response = await fetchWidget({});
    assert.equal(response.status, 200);
    assertWidgetHeaders(response);
    assert.equal(response.headers.get('Content-Encoding'), null);
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(js));
  });

  it('does not send brotli to a client that refuses it with br;q=0', async () => {
    const response = await fetchWidget({ 'Accept-Encoding': 'br;q=0, gzip' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('Content-Encoding'), 'gzip');
  });

  it('answers If-None-Match with the ETag by 304 and no body', async () => {
    const first = await fetchWidget({ 'Accept-Encoding': 'br' });
    const etag = first.headers.get('ETag');
    assert.ok(etag !== null);
    const again = await fetchWidget({ 'Accept-Encoding': 'br', 'If-None-Match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.headers.get('ETag'), etag);
    assert.equal((await again.arrayBuffer()).byteLength, 0);
    const listed = await fetchWidget({ 'If-None-Match': `"stale", ${etag}` });
    assert.equal(listed.status, 304);
    const stale = await fetchWidget({ 'If-None-Match': '"stale"' });
    assert.equal(stale.status, 200);
  });
});

describe('GET /confab-<name>-<hash>.js (the chunks /confab.js loads later)', () => {
  let t: TestApp;
  let name: string;
  let js: Buffer;
  before(async () => {
    t = await makeTestApp({ widget: true });
    const chunks = t.deps.widget?.chunks ?? new Map<string, { js: Buffer }>();
    const found = [...chunks.keys()].find((n) => n.startsWith('confab-sign-in-'));
    assert.ok(found !== undefined, 'the fixture chunk was loaded');
    name = found;
    js = chunks.get(name)!.js;
  });
  after(async () => {
    await t.close();
  });

  const fetchFile = (path: string, headers: Record<string, string> = {}) =>
    t.request(path, { origin: null, headers });

  it('is the chunk the bundle imports', () => {
    assert.match(name, /^confab-sign-in-[a-z0-9]{8}\.js$/);
    assert.ok(t.deps.widget!.js.toString().includes(`"./${name}"`));
  });

  it('sends it precompressed, cached for good, to any origin, as script only', async () => {
    const br = await fetchFile(`/${name}`, { 'Accept-Encoding': 'gzip, br' });
    assert.equal(br.status, 200);
    assert.equal(br.headers.get('Content-Encoding'), 'br');
    assert.ok(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).equals(js));
    assert.match(br.headers.get('Content-Type') ?? '', /^text\/javascript/);
    assert.equal(br.headers.get('Cache-Control'), 'public, max-age=31536000, immutable');
    assert.equal(br.headers.get('Access-Control-Allow-Origin'), '*');
    assert.equal(br.headers.get('Access-Control-Allow-Credentials'), null);
    assert.equal(br.headers.get('Cross-Origin-Resource-Policy'), 'cross-origin');
    assert.equal(br.headers.get('X-Content-Type-Options'), 'nosniff');
    assert.match(br.headers.get('Vary') ?? '', /Accept-Encoding/i);
    const gz = await fetchFile(`/${name}`, { 'Accept-Encoding': 'gzip' });
    assert.ok(gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(js));
    const plain = await fetchFile(`/${name}`);
    assert.ok(Buffer.from(await plain.arrayBuffer()).equals(js));
    const etag = br.headers.get('ETag');
    assert.ok(etag !== null);
    assert.equal((await fetchFile(`/${name}`, { 'If-None-Match': etag })).status, 304);
  });

  it('sends its source map', async () => {
    const map = await fetchFile(`/${name}.map`);
    assert.equal(map.status, 200);
    assert.equal(map.headers.get('Access-Control-Allow-Origin'), '*');
    assert.equal((JSON.parse(await map.text()) as { file: string }).file, name);
  });

  it('serves only the files it loaded at startup, whatever the name asks for', async () => {
    for (const path of [
      '/confab-sign-in-00000000.js',
      '/confab-sign-in-00000000.js.map',
      `/${name.toUpperCase()}`,
      `/${name}x`,
      '/confab-..%2f..%2fpackage.json',
      '/confab-%2e%2e%2fconfab.js',
      '/confab-sign-in-.js',
      '/confab.json',
    ]) {
      const response = await fetchFile(path);
      assert.equal(response.status, 404, path);
      assert.match(response.headers.get('Content-Type') ?? '', /^application\/problem\+json/, path);
    }
  });
});
