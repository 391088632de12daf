/**
 * Atom feeds: exactly the published comments, replies with `thr:in-reply-to`, text that
 * cannot break the XML, 404s, and `304` until something changes. Every document is checked
 * against RFC 4287's schema with xmllint.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CreateCommentResponse } from '../../server/contract.js';
import { applyAction } from '../../server/services/moderation/actions.js';
import { getSite, updateSite } from '../../server/services/sites/sites.js';
import { xmlText } from '../../server/services/reading/atom.js';
import { guestComment, json, makeTestApp, type TestApp } from './helpers.js';

const SCHEMA = fileURLToPath(new URL('./fixtures/atom/atom.rng', import.meta.url));
const THREAD = '/2014/03/my-post/';

/** xmllint's verdict on `xml`: throws with its messages when it does not validate. */
function assertAtom(xml: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'confab-atom-'));
  const file = join(dir, 'feed.xml');
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--relaxng', SCHEMA, file], { stdio: 'pipe' });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? error);
    assert.fail(`not valid Atom:\n${stderr}\n${xml}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ids = (xml: string): string[] =>
  [...xml.matchAll(/<entry>\s*<id>urn:uuid:([\w-]+)<\/id>/g)].map((m) => m[1] ?? '');

describe('Atom feeds', () => {
  let t: TestApp;
  const made: Record<string, string> = {};
  before(async () => {
    t = await makeTestApp();
    const post = async (name: string, extra: Record<string, unknown> = {}) => {
      const r = await json<CreateCommentResponse>(
        await t.post(guestComment({ body: `Comment ${name}.`, ...extra })),
      );
      made[name] = r.comment.id;
      t.advance(1000);
      return r.comment.id;
    };
    const first = await post('first', {
      author: { name: 'Bob <b>&amp; "x"', email: 'bob@example.com' },
    });
    await post('reply', {
      parentId: first,
      body: 'A reply with <script>alert(1)</script>.',
    });
    await post('spam');
    await post('deleted');
    await post('other-thread', { thread: '/other/' });
    const site = await getSite(t.deps, 'blog');
    const owner = { site, role: 'owner' as const, actor: 'test' };
    await applyAction(t.deps, owner, { site: 'blog', action: 'spam', ids: [made.spam ?? ''] });
    await applyAction(t.deps, owner, { site: 'blog', action: 'delete', ids: [made.deleted ?? ''] });
    // A held comment: the site holds everything from now on.
    await updateSite(t.deps, 'blog', { moderation: 'all' });
    await post('held');
  });
  after(() => t.close());

  it('writes text XML cannot hold as nothing, and escapes the rest', () => {
    assert.equal(xmlText('a\u0001b\uFFFE<&>"\u{1F600}'), 'ab&lt;&amp;&gt;&quot;\u{1F600}');
  });

  it('lists a thread’s published comments, newest first, replies pointing at their parent', async () => {
    const response = await t.request(`/feeds/blog/thread.atom?thread=${THREAD}`, { origin: null });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/atom+xml; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'public, max-age=60');
    const xml = await response.text();
    assertAtom(xml);
    assert.deepEqual(ids(xml), [made.reply, made.first]);
    assert.match(
      xml,
      new RegExp(
        `<thr:in-reply-to ref="urn:uuid:${made.first ?? ''}" href="https://blog.example${THREAD}#comment-${made.first ?? ''}" type="text/html"/>`,
      ),
    );
    assert.match(
      xml,
      new RegExp(
        `<link rel="alternate" type="text/html" href="https://blog.example${THREAD}#comment-${made.reply ?? ''}"/>`,
      ),
    );
    assert.ok(
      xml.includes('<name>Bob &lt;b&gt;&amp;amp; &quot;x&quot;</name>'),
      'the name escaped, as written',
    );
    assert.doesNotMatch(xml, /<script|bob@example\.com/);
    // The renderer made the markup text (&lt;script&gt;); the feed carries that HTML escaped.
    assert.ok(xml.includes('&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;'));
  });

  it('lists the site’s published comments across threads', async () => {
    const xml = await (await t.request('/feeds/blog/comments.atom', { origin: null })).text();
    assertAtom(xml);
    assert.deepEqual(ids(xml), [made['other-thread'], made.reply, made.first]);
  });

  it('answers 304 while nothing changed, and a new ETag after a new comment', async () => {
    const url = `/feeds/blog/thread.atom?thread=${THREAD}`;
    const first = await t.request(url, { origin: null });
    const etag = first.headers.get('etag') ?? '';
    assert.match(etag, /^W\/"[\w-]+"$/);
    const again = await t.request(url, { origin: null, headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    await updateModeration(t, 'none');
    await t.post(guestComment({ body: 'A newer one.' }));
    const changed = await t.request(url, { origin: null, headers: { 'If-None-Match': etag } });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('etag'), etag);
    assert.match(await changed.text(), /A newer one\./);
  });

  it('an empty but valid feed for a thread with nothing published; 404 and 422 otherwise', async () => {
    await updateModeration(t, 'all');
    await t.post(guestComment({ thread: '/only-held/', body: 'Held only.' }));
    const empty = await (
      await t.request('/feeds/blog/thread.atom?thread=/only-held/', { origin: null })
    ).text();
    assertAtom(empty);
    assert.deepEqual(ids(empty), []);
    const unknownThread = await t.request('/feeds/blog/thread.atom?thread=/nope/', {
      origin: null,
    });
    assert.equal(unknownThread.status, 404);
    assert.equal((await json(unknownThread)).code, 'not_found');
    const unknownSite = await t.request('/feeds/nosite/comments.atom', { origin: null });
    assert.equal(unknownSite.status, 404);
    assert.equal((await json(unknownSite)).code, 'site_not_found');
    const badKey = await t.request('/feeds/blog/thread.atom?thread=nope', { origin: null });
    assert.equal(badKey.status, 422);
    const noKey = await t.request('/feeds/blog/thread.atom', { origin: null });
    assert.equal(noKey.status, 422);
  });
});

async function updateModeration(t: TestApp, moderation: 'none' | 'all'): Promise<void> {
  await updateSite(t.deps, 'blog', { moderation });
}
