/**
 * `GET /admin` and its bundle: the page's lockdown (CSP with a nonce, no caching, no
 * framing), the bundle served like the widget (compressed, ETag), and a server without a
 * built app that still works.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { loadAdmin } from '../../server/admin-asset.js';
import { createApp } from '../../server/app.js';
import { json, makeTestApp, type TestApp } from './helpers.js';

const BUNDLE = `customElements.define('confab-admin', class extends HTMLElement {});\n`.repeat(20);

describe('GET /admin with a built app', () => {
  let t: TestApp;
  let request: (path: string, init?: RequestInit) => Promise<Response>;

  before(async () => {
    t = await makeTestApp();
    const file = join(t.dir, 'admin.js');
    writeFileSync(file, BUNDLE);
    writeFileSync(`${file}.map`, '{"version":3}');
    const app = createApp({ ...t.deps, admin: loadAdmin(file) });
    request = async (path, init) => app.request(path, init);
  });

  after(() => t.close());

  it('serves the page that loads the bundle with a nonce only it carries', async () => {
    const response = await request('/admin');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('Content-Type') ?? '', /^text\/html/);
    const csp = response.headers.get('Content-Security-Policy') ?? '';
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    assert.ok(nonce !== undefined, csp);
    assert.ok(nonce.length >= 22, 'a nonce with enough randomness');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /connect-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const page = await response.text();
    assert.ok(
      page.includes(`<script type="module" nonce="${nonce}" src="admin/admin.js"></script>`),
    );
    assert.equal((page.match(/<script/g) ?? []).length, 1, 'one script, no inline code');
    assert.doesNotMatch(page, /\son[a-z]+=/, 'no inline event handlers');
    assert.match(page, /<confab-admin>/);
    assert.equal(response.headers.get('Cache-Control'), 'no-store');
    assert.equal(response.headers.get('X-Frame-Options'), 'DENY');
    assert.equal(response.headers.get('X-Content-Type-Options'), 'nosniff');
    assert.equal(response.headers.get('Referrer-Policy'), 'no-referrer');
  });

  it('uses a fresh nonce for every answer', async () => {
    const a = (await request('/admin')).headers.get('Content-Security-Policy');
    const b = (await request('/admin')).headers.get('Content-Security-Policy');
    assert.notEqual(a, b);
  });

  it('serves the bundle compressed, with an ETag that answers 304', async () => {
    const br = await request('/admin/admin.js', { headers: { 'Accept-Encoding': 'gzip, br' } });
    assert.equal(br.status, 200);
    assert.equal(br.headers.get('Content-Encoding'), 'br');
    assert.match(br.headers.get('Content-Type') ?? '', /^text\/javascript/);
    assert.equal(br.headers.get('Cache-Control'), 'no-cache');
    assert.equal(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString(), BUNDLE);

    const gz = await request('/admin/admin.js', { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(gz.headers.get('Content-Encoding'), 'gzip');
    assert.equal(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString(), BUNDLE);

    const plain = await request('/admin/admin.js', { headers: { 'Accept-Encoding': 'br;q=0' } });
    assert.equal(plain.headers.get('Content-Encoding'), null);
    assert.equal(await plain.text(), BUNDLE);

    const etag = br.headers.get('ETag') ?? '';
    assert.match(etag, /^"[\w-]+"$/);
    const again = await request('/admin/admin.js', { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
  });

  it('serves the source map', async () => {
    const map = await request('/admin/admin.js.map');
    assert.equal(map.status, 200);
    assert.deepEqual(await map.json(), { version: 3 });
  });

  it('answers other methods with 405 and Allow: GET', async () => {
    for (const path of ['/admin', '/admin/admin.js']) {
      const response = await request(path, { method: 'POST' });
      assert.equal(response.status, 405, path);
      assert.equal(response.headers.get('Allow'), 'GET');
    }
  });
});

describe('GET /admin without a built app', () => {
  let t: TestApp;

  before(async () => {
    t = await makeTestApp();
  });

  after(() => t.close());

  it('says the app is not built, and the rest of the server works', async () => {
    for (const path of ['/admin', '/admin/admin.js', '/admin/admin.js.map']) {
      const response = await t.request(path);
      assert.equal(response.status, 404, path);
      assert.equal(response.headers.get('Content-Type'), 'application/problem+json');
      const problem = await json(response);
      assert.equal(problem.code, 'not_found');
      assert.match(String(problem.detail), /not built; run `npm run build`/);
    }
    const health = await t.request('/healthz');
    assert.equal(health.status, 200);
  });
});
