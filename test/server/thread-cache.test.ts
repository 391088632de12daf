import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { ThreadResponse } from '../../server/contract.js';
import { createPageCache, FRESH_MS } from '../../server/services/reading/page-cache.js';
import { guestComment, json, makeTestApp, type TestApp } from './helpers.js';
import { signedIn, type Account } from './support/accounts.js';

const PAGE = '/api/v1/threads?site=blog&thread=/cached/';

describe('thread pages: ETag, 304 and compression', () => {
  let t: TestApp;
  let mod: Account;
  let reader: Account;
  before(async () => {
    t = await makeTestApp({ site: { moderation: 'first-time' } });
    mod = await signedIn(t, { name: 'Mod', role: 'moderator' });
    reader = await signedIn(t, { name: 'Reader Rosa' });
  });
  after(() => t.close());

  const read = (headers: Record<string, string> = {}) => t.request(PAGE, { headers });
  const bodies = async (headers: Record<string, string> = {}) =>
    (await json<ThreadResponse>(await read(headers))).comments.map((c) => c.html);
  const publish = async (body: string, extra: Record<string, unknown> = {}) => {
    const res = await t.post(guestComment({ thread: '/cached/', body, ...extra }), {
      headers: mod.auth,
    });
    assert.equal(res.status, 201, await res.clone().text());
    return (await json<{ comment: { id: string } }>(res)).comment.id;
  };
  const act = async (action: string, id: string) => {
    const res = await t.request('/api/v1/moderation/actions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...mod.auth },
      body: JSON.stringify({ site: 'blog', action, ids: [id] }),
    });
    assert.equal(res.status, 200, await res.clone().text());
  };

  it('gives anonymous readers a public page to revalidate, and a 304 while it holds', async () => {
    await publish('First words.');
    const first = await read();
    assert.equal(first.status, 200);
    const etag = first.headers.get('ETag');
    assert.match(etag ?? '', /^W\/"[A-Za-z0-9_-]+"$/);
    assert.equal(first.headers.get('Cache-Control'), 'public, no-cache');
    const vary = first.headers.get('Vary') ?? '';
    for (const name of ['Origin', 'Accept-Encoding', 'Authorization']) {
      assert.ok(vary.includes(name), `Vary names ${name}: ${vary}`);
    }
    const again = await read({ 'If-None-Match': etag ?? '' });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    assert.equal(again.headers.get('ETag'), etag);
    // Another reader's validator, or a list of them, is compared tag by tag.
    assert.equal((await read({ 'If-None-Match': '"other"' })).status, 200);
    assert.equal((await read({ 'If-None-Match': `"other", ${etag ?? ''}` })).status, 304);
  });

  it('is never stale after a write: a post, an edit, a deletion, a pin, an approval', async () => {
    // The validator is of the page's bytes: a page as it was before is the same page again.
    let last = (await read()).headers.get('ETag') ?? '';
    const changed = async (what: string) => {
      const res = await read({ 'If-None-Match': last });
      assert.equal(res.status, 200, `a 200 after ${what}`);
      const etag = res.headers.get('ETag') ?? '';
      assert.notEqual(etag, last, `a new ETag after ${what}`);
      last = etag;
      return (await json<ThreadResponse>(res)).comments;
    };

    const id = await publish('Second words.');
    assert.ok((await changed('a post')).some((c) => c.id === id));

    const edit = await t.request(`/api/v1/comments/${id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', ...mod.auth },
      body: JSON.stringify({ body: 'Second words, edited.' }),
    });
    assert.equal(edit.status, 200, await edit.clone().text());
    const edited = (await changed('an edit')).find((c) => c.id === id);
    assert.match(edited?.html ?? '', /edited/);

    await act('pin', id);
    assert.equal((await changed('a pin'))[0]?.id, id);

    await act('delete', id);
    assert.ok(!(await changed('a deletion')).some((c) => c.id === id));

    // A guest's first comment is held: nobody anonymous sees it until it is approved.
    const held = await t.post(guestComment({ thread: '/cached/', body: 'Held words.' }));
    assert.equal(held.status, 202);
    const heldId = (await json<{ comment: { id: string } }>(held)).comment.id;
    assert.ok(!(await bodies()).some((h) => h.includes('Held words')));
    await act('approve', heldId);
    assert.ok((await changed('an approval')).some((c) => c.id === heldId));
  });

  it('keeps what staff and a reader see of held comments out of the shared page', async () => {
    const held = await t.post(
      guestComment({
        thread: '/cached/',
        body: 'Another held one.',
        author: { name: 'Newcomer', email: 'new@example.com' },
      }),
    );
    assert.equal(held.status, 202);
    const own = await t.post(
      { site: 'blog', thread: '/cached/', body: 'Rosa waits for review.' },
      { headers: reader.auth },
    );
    // A signed-in reader's first comment may be held too; either way it is theirs to see.
    assert.ok([201, 202].includes(own.status), await own.clone().text());

    const staff = await read(mod.auth);
    assert.equal(staff.headers.get('Cache-Control'), 'private, no-cache');
    assert.ok(
      (await json<ThreadResponse>(staff)).comments.some((c) => c.html.includes('Another held')),
    );
    const rosa = await read(reader.auth);
    assert.equal(rosa.headers.get('Cache-Control'), 'private, no-cache');
    const rosaSees = (await json<ThreadResponse>(rosa)).comments.map((c) => c.html).join(' ');
    assert.match(rosaSees, /Rosa waits/);
    assert.doesNotMatch(rosaSees, /Another held/);

    const anonymous = (await bodies()).join(' ');
    assert.doesNotMatch(anonymous, /Another held/);
    if (own.status === 202) assert.doesNotMatch(anonymous, /Rosa waits/);
    // The staff page's validator does not make the public page a 304, nor the other way.
    const staffTag = staff.headers.get('ETag') ?? '';
    assert.equal((await read({ 'If-None-Match': staffTag })).status, 200);
  });

  it('answers in brotli or gzip when the client takes it, the same JSON either way', async () => {
    const plain = await (await read({ 'Accept-Encoding': 'identity' })).text();
    // app.request hands the raw bytes back: decode them as a browser would.
    const br = await read({ 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(br.headers.get('Content-Encoding'), 'br');
    const brBytes = Buffer.from(await br.arrayBuffer());
    assert.ok(brBytes.length < Buffer.byteLength(plain));
    assert.equal(brotliDecompressSync(brBytes).toString(), plain);

    const gz = await read({ 'Accept-Encoding': 'gzip, br;q=0' });
    assert.equal(gz.headers.get('Content-Encoding'), 'gzip');
    assert.equal(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString(), plain);

    const none = await read({ 'Accept-Encoding': 'br;q=0, gzip;q=0' });
    assert.equal(none.headers.get('Content-Encoding'), null);
    assert.equal(await none.text(), plain);
    // One page, one validator, whatever the coding.
    assert.equal(br.headers.get('ETag'), none.headers.get('ETag'));
  });

  it("shows an account's new name within a minute, though a rename writes no event", async () => {
    await publish('Signed words.');
    const before = JSON.stringify(await json(await read()));
    assert.match(before, /"Mod"/);
    await t.deps.db.updateTable('users').set({ name: 'Moderator Mo' }).execute();
    // Until the page is rebuilt it is the page of the thread's version…
    assert.match(JSON.stringify(await json(await read())), /"Mod"/);
    t.advance(FRESH_MS);
    assert.match(JSON.stringify(await json(await read())), /Moderator Mo/);
  });

  it('refuses a bad query before anything is cached, with the usual problem', async () => {
    const res = await t.request('/api/v1/threads?site=blog&thread=/cached/&limit=0');
    assert.equal(res.status, 422);
    assert.equal(res.headers.get('Content-Type'), 'application/problem+json');
    assert.equal(res.headers.get('Cache-Control'), 'no-store');
  });
});

describe('the page cache', () => {
  it('keeps pages within its budget, the least recently used dropped first', () => {
    const cache = createPageCache(3_000);
    const page = (n: number) => ({ filler: 'x'.repeat(600), n });
    for (const n of [1, 2, 3, 4]) cache.store(`k${n}`, 1, 0, page(n));
    assert.ok(cache.get('k1', 1, 0), 'k1 still there');
    cache.store('k5', 1, 0, page(5));
    // k2 was the least recently used once k1 was read again.
    assert.equal(cache.get('k2', 1, 0), undefined);
    assert.ok(cache.get('k1', 1, 0));
    assert.ok(cache.size <= 3_000, `size ${cache.size}`);
  });

  it('counts the codings it makes against the budget', () => {
    const cache = createPageCache(1_000_000);
    const kept = cache.store('k', 1, 0, { text: 'abc '.repeat(2_000) });
    const before = cache.size;
    const br = kept.encoded('br');
    assert.equal(cache.size, before + br.length);
    kept.encoded('br');
    assert.equal(cache.size, before + br.length, 'made once');
  });

  it('answers nothing for another version or once the page is a minute old', () => {
    const cache = createPageCache();
    cache.store('k', 7, 0, { a: 1 });
    assert.equal(cache.get('k', 8, 0), undefined);
    cache.store('k', 7, 0, { a: 1 });
    assert.ok(cache.get('k', 7, FRESH_MS - 1));
    assert.equal(cache.get('k', 7, FRESH_MS), undefined);
  });

  it('does not keep a page larger than a quarter of the budget', () => {
    const cache = createPageCache(1_000);
    const page = cache.store('big', 1, 0, { text: 'y'.repeat(400) });
    assert.ok(page.json.length > 250);
    assert.equal(cache.get('big', 1, 0), undefined);
    assert.equal(cache.size, 0);
  });
});
