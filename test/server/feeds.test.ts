/**
 * Atom feeds: exactly the published comments, replies with `thr:in-reply-to`, text that
 * cannot break the XML, 404s, and `304` until something changes. Every document a test gets
 * is checked against RFC 4287's schema (fixtures/atom/atom.rng) with xmllint, and read back
 * with a namespace-aware parser.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  CompiledQuery,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { SaxesParser } from 'saxes';
import type { CreateCommentResponse } from '../../server/contract.js';
import type { Deps } from '../../server/deps.js';
import { applyAction } from '../../server/services/moderation/actions.js';
import { addSite, getSite, updateSite } from '../../server/services/sites/sites.js';
import { xmlText } from '../../server/services/reading/atom.js';
import { siteFeed, threadFeed } from '../../server/services/reading/feeds.js';
import { guestComment, json, makeTestApp, ORIGIN, type TestApp } from './helpers.js';
import { signedIn } from './support/accounts.js';

const SCHEMA = fileURLToPath(new URL('./fixtures/atom/atom.rng', import.meta.url));
const ATOM = 'http://www.w3.org/2005/Atom';
const THR = 'http://purl.org/syndication/thread/1.0';
const THREAD = '/2014/03/my-post/';
const THREAD_FEED = `/feeds/blog/thread.atom?thread=${THREAD}`;

/** xmllint's verdict on `xml`: what it said when it does not validate, else null. */
function schemaErrors(xml: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'confab-atom-'));
  const file = join(dir, 'feed.xml');
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--relaxng', SCHEMA, file], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return String((error as { stderr?: unknown }).stderr ?? error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertAtom(xml: string): void {
  const errors = schemaErrors(xml);
  if (errors !== null) assert.fail(`not valid Atom:\n${errors}\n${xml}`);
}

interface Node {
  ns: string;
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: Node[];
}

/** The document as a tree, by namespace URI and local name; throws if it is not well-formed. */
function parse(xml: string): Node {
  const parser = new SaxesParser({ xmlns: true });
  const stack: Node[] = [];
  let root: Node | undefined;
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (
        typeof a !== 'string' &&
        a.uri !== 'http://www.w3.org/2000/xmlns/' &&
        a.prefix !== 'xmlns'
      ) {
        attributes[a.uri === '' ? a.local : `${a.uri} ${a.local}`] = a.value;
      }
    }
    const node: Node = {
      ns: tag.uri,
      name: tag.local,
      attributes,
      text: '',
      children: [],
    };
    stack.at(-1)?.children.push(node);
    stack.push(node);
    root ??= node;
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top !== undefined) top.text += text;
  });
  parser.on('closetag', () => stack.pop());
  parser.write(xml).close();
  assert.ok(root !== undefined, 'a document');
  return root;
}

const kids = (node: Node, name: string, ns = ATOM): Node[] =>
  node.children.filter((c) => c.ns === ns && c.name === name);
const kid = (node: Node, name: string, ns = ATOM): Node | undefined => kids(node, name, ns)[0];
const textOf = (node: Node, name: string): string | undefined => kid(node, name)?.text;

interface Feed {
  xml: string;
  root: Node;
  entries: Node[];
  /** Comment ids of the entries, in order. */
  ids: string[];
  entry(commentId: string | undefined): Node;
}

/** Validates and parses a feed. */
function readFeed(xml: string): Feed {
  assertAtom(xml);
  const root = parse(xml);
  assert.equal(root.ns, ATOM);
  assert.equal(root.name, 'feed');
  const entries = kids(root, 'entry');
  const ids = entries.map((e) => (textOf(e, 'id') ?? '').replace(/^urn:uuid:/, ''));
  return {
    xml,
    root,
    entries,
    ids,
    entry: (commentId) => {
      const found = entries[ids.indexOf(commentId ?? '')];
      assert.ok(found !== undefined, `an entry for ${String(commentId)}`);
      return found;
    },
  };
}

describe('Atom feeds', () => {
  let t: TestApp;
  const made: Record<string, string> = {};
  const tokens: string[] = [];

  const get = (path: string, headers: Record<string, string> = {}) =>
    t.request(path, { origin: null, headers });
  const feedAt = async (path: string): Promise<Feed> => {
    const response = await get(path);
    assert.equal(response.status, 200, path);
    return readFeed(await response.text());
  };
  const post = async (name: string, extra: Record<string, unknown> = {}, auth = {}) => {
    const response = await t.post(guestComment({ body: `Comment ${name}.`, ...extra }), {
      headers: auth,
    });
    assert.ok([201, 202].includes(response.status), await response.clone().text());
    const r = await json<CreateCommentResponse>(response);
    made[name] = r.comment.id;
    if (r.editToken !== undefined) tokens.push(r.editToken);
    t.advance(1000);
    return r.comment.id;
  };
  const owner = async () => ({
    site: await getSite(t.deps, 'blog'),
    role: 'owner' as const,
    actor: 'test',
  });

  before(async () => {
    t = await makeTestApp();
    const first = await post('first', {
      author: { name: 'Bob <b>&amp; "x"', email: 'bob@example.com' },
    });
    await post('reply', { parentId: first, body: 'A reply with <script>alert(1)</script>.' });
    const reader = await signedIn(t, { name: 'Carol Account' });
    await post('signed-in', { author: undefined }, reader.auth);
    await post('spam');
    await post('deleted');
    // A deleted comment with a published reply stays in the thread as a placeholder.
    const gone = await post('placeholder');
    await post('under-placeholder', { parentId: gone });
    await post('other-thread', { thread: '/other/', threadUrl: `${ORIGIN}/other/` });
    const by = await owner();
    for (const [action, name] of [
      ['spam', 'spam'],
      ['delete', 'deleted'],
      ['delete', 'placeholder'],
    ] as const) {
      await applyAction(t.deps, by, { site: 'blog', action, ids: [made[name] ?? ''] });
    }
    // Held comments: the site holds everything from now on.
    await updateSite(t.deps, 'blog', { moderation: 'all' });
    await post('held');
    await post('held-other-thread', { thread: '/other/', threadUrl: `${ORIGIN}/other/` });
    await updateSite(t.deps, 'blog', { moderation: 'none' });
    // Another site's comment never shows in this site's feed.
    await addSite(t.deps, 'elsewhere', {
      origins: ['https://elsewhere.example'],
      rateLimit: 0,
      minFillSeconds: 0,
      threadRateLimit: 0,
      newThreadLimit: 0,
    });
    const r = await t.post(
      guestComment({
        site: 'elsewhere',
        thread: '/2014/03/my-post/',
        threadUrl: 'https://elsewhere.example/2014/03/my-post/',
      }),
      { origin: 'https://elsewhere.example' },
    );
    made.elsewhere = (await json<CreateCommentResponse>(r)).comment.id;
    t.advance(1000);
  });
  after(() => t.close());

  it('writes text XML cannot hold as nothing, and escapes the rest', () => {
    assert.equal(
      xmlText('a\u0001b\u001F\uFFFE\uFFFF\uD800<&>"\u{1F600}\r\n\t'),
      'ab&lt;&amp;&gt;&quot;\u{1F600}&#13;\n\t',
    );
  });

  it('lists exactly a thread’s published comments, newest first', async () => {
    const response = await get(THREAD_FEED);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/atom+xml; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'public, max-age=60');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('content-security-policy'), "default-src 'none'; sandbox");
    const feed = readFeed(await response.text());
    assert.deepEqual(feed.ids, [
      made['under-placeholder'],
      made['signed-in'],
      made.reply,
      made.first,
    ]);
    assert.equal(textOf(feed.root, 'title'), 'Comments on “My post”');
    assert.equal(textOf(feed.root, 'id'), `urn:uuid:${(await thread(t, THREAD)).id}`);
    assert.equal(
      textOf(feed.root, 'updated'),
      textOf(feed.entry(made['under-placeholder']), 'updated'),
    );
    const links = kids(feed.root, 'link').map((l) => [l.attributes.rel, l.attributes.href]);
    assert.deepEqual(links, [
      [
        'self',
        `${t.deps.config.publicUrl}/feeds/blog/thread.atom?thread=%2F2014%2F03%2Fmy-post%2F`,
      ],
      ['alternate', `${ORIGIN}${THREAD}`],
    ]);
    assert.equal(textOf(feed.root, 'generator'), 'Confab');
  });

  it('gives each entry its id, title, dates, author, permalink and stored HTML', async () => {
    const feed = await feedAt(THREAD_FEED);
    const first = feed.entry(made.first);
    const stored = await t.deps.db
      .selectFrom('comments')
      .select(['body_html', 'created_at'])
      .where('id', '=', made.first ?? '')
      .executeTakeFirstOrThrow();
    assert.equal(textOf(first, 'id'), `urn:uuid:${made.first ?? ''}`);
    assert.equal(textOf(first, 'title'), 'Bob <b>&amp; "x" on “My post”');
    assert.equal(textOf(first, 'published'), stored.created_at);
    assert.equal(textOf(first, 'updated'), stored.created_at);
    assert.equal(
      kid(first, 'author') && textOf(kid(first, 'author') as Node, 'name'),
      'Bob <b>&amp; "x"',
    );
    assert.deepEqual(kid(first, 'link')?.attributes, {
      rel: 'alternate',
      type: 'text/html',
      href: `${ORIGIN}${THREAD}#comment-${made.first ?? ''}`,
    });
    assert.equal(kid(first, 'content')?.attributes.type, 'html');
    assert.equal(textOf(first, 'content'), stored.body_html);
    assert.equal(kids(first, 'in-reply-to', THR).length, 0, 'a top-level comment replies to none');
    // A signed-in reader is named as their account is, as the public API shows them.
    const signedIn = feed.entry(made['signed-in']);
    assert.equal(textOf(kid(signedIn, 'author') as Node, 'name'), 'Carol Account');
  });

  it('points replies at their parent with thr:in-reply-to, a placeholder parent too', async () => {
    const feed = await feedAt(THREAD_FEED);
    for (const [child, parent] of [
      ['reply', 'first'],
      ['under-placeholder', 'placeholder'],
    ] as const) {
      const replies = kids(feed.entry(made[child]), 'in-reply-to', THR);
      assert.equal(replies.length, 1);
      assert.deepEqual(replies[0]?.attributes, {
        ref: `urn:uuid:${made[parent] ?? ''}`,
        href: `${ORIGIN}${THREAD}#comment-${made[parent] ?? ''}`,
        type: 'text/html',
      });
    }
  });

  it('carries markup and names as text: no script, no email, address hash or token', async () => {
    const feed = await feedAt(THREAD_FEED);
    const reply = textOf(feed.entry(made.reply), 'content') ?? '';
    assert.doesNotMatch(reply, /<script/i, 'the renderer made the markup text');
    assert.match(reply, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    const secrets = await t.deps.db
      .selectFrom('comments')
      .select(['ip_hash', 'email_hash', 'edit_token_hash', 'author_email'])
      .execute();
    const hidden = [
      ...secrets.flatMap((s) => [s.ip_hash, s.email_hash, s.edit_token_hash, s.author_email]),
      ...tokens,
      'alice@example.com',
      'bob@example.com',
    ].filter((s): s is string => s !== null && s !== '');
    assert.ok(hidden.length > 5);
    for (const feedXml of [feed.xml, (await feedAt('/feeds/blog/comments.atom')).xml]) {
      for (const secret of hidden) assert.ok(!feedXml.includes(secret), `no ${secret}`);
      assert.doesNotMatch(feedXml, /<script|@example\.com/);
    }
  });

  it('keeps the document valid whatever a stored name or title holds', async () => {
    const id = await post('odd');
    // (A lone surrogate cannot be stored: SQLite reads it back as U+FFFD; xmlText's test has it.)
    const odd = 'Eve\u0001\u0008\uFFFE\uFFFF ]]> <x> & \u{1F600}';
    await t.deps.db
      .updateTable('comments')
      .set({ author_name: odd })
      .where('id', '=', id)
      .execute();
    await t.deps.db
      .updateTable('threads')
      .set({ title: `Title <with> & "quotes"\u000B` })
      .where('key', '=', THREAD)
      .execute();
    const feed = await feedAt(THREAD_FEED);
    assert.equal(
      textOf(kid(feed.entry(id), 'author') as Node, 'name'),
      'Eve ]]> <x> & \u{1F600}',
      'forbidden characters dropped, the rest as written',
    );
    assert.equal(textOf(feed.root, 'title'), 'Comments on “Title <with> & "quotes"”');
    await t.deps.db
      .updateTable('threads')
      .set({ title: 'My post' })
      .where('key', '=', THREAD)
      .execute();
  });

  it('lists the site’s published comments across its threads, and no other site’s', async () => {
    const feed = await feedAt('/feeds/blog/comments.atom');
    assert.deepEqual(feed.ids.slice(0, 5), [
      made.odd,
      made['other-thread'],
      made['under-placeholder'],
      made['signed-in'],
      made.reply,
    ]);
    assert.deepEqual(feed.ids.slice(5), [made.first]);
    assert.ok(!feed.ids.includes(made.elsewhere ?? ''));
    const other = feed.entry(made['other-thread']);
    assert.equal(textOf(other, 'title'), 'Alice on “My post”');
    assert.equal(
      kid(other, 'link')?.attributes.href,
      `${ORIGIN}/other/#comment-${made['other-thread'] ?? ''}`,
    );
    assert.equal(textOf(feed.root, 'title'), 'Comments on blog');
    const self = `${t.deps.config.publicUrl}/feeds/blog/comments.atom`;
    assert.equal(textOf(feed.root, 'id'), self);
    assert.equal(kid(feed.root, 'link')?.attributes.href, self);
  });

  it('holds the 50 newest', async () => {
    const t2 = await makeTestApp();
    try {
      const all: string[] = [];
      for (let i = 0; i < 53; i++) {
        const r = await t2.post(guestComment({ thread: i % 2 === 0 ? '/a/' : '/b/' }));
        all.unshift((await json<CreateCommentResponse>(r)).comment.id);
        t2.advance(1000);
      }
      const read = async (path: string) =>
        readFeed(await (await t2.request(path, { origin: null })).text()).ids;
      assert.deepEqual(await read('/feeds/blog/comments.atom'), all.slice(0, 50));
      assert.equal((await read('/feeds/blog/thread.atom?thread=/a/')).length, 27);
    } finally {
      await t2.close();
    }
  });

  it('answers 304 while nothing changed, and a new ETag after each change', async () => {
    for (const url of [THREAD_FEED, '/feeds/blog/comments.atom']) {
      const first = await get(url);
      const etag = first.headers.get('etag') ?? '';
      assert.match(etag, /^W\/"[\w-]+"$/);
      for (const sent of [etag, etag.slice(2), `"nope", ${etag}`, '*']) {
        const again = await get(url, { 'If-None-Match': sent });
        assert.equal(again.status, 304, sent);
        assert.equal(again.headers.get('etag'), etag);
        assert.equal(again.headers.get('cache-control'), 'public, max-age=60');
        assert.equal(await again.text(), '');
      }
      assert.equal((await get(url, { 'If-None-Match': 'W/"other"' })).status, 200);
    }
    const tags = async () =>
      Promise.all(
        [THREAD_FEED, '/feeds/blog/comments.atom'].map(
          async (url) => (await get(url)).headers.get('etag') ?? '',
        ),
      );
    const before = await tags();
    // A comment on another thread changes the site's feed only.
    await post('newer-elsewhere', { thread: '/other/', threadUrl: `${ORIGIN}/other/` });
    const afterOther = await tags();
    assert.equal(afterOther[0], before[0]);
    assert.notEqual(afterOther[1], before[1]);
    // A new comment on the thread changes both, and the feed has it.
    const newer = await post('newer', { body: 'A newer one.' });
    const afterNew = await tags();
    assert.notEqual(afterNew[0], afterOther[0]);
    assert.notEqual(afterNew[1], afterOther[1]);
    assert.equal((await feedAt(THREAD_FEED)).ids[0], newer);
    // Approving a held comment is a change too, and brings it into the feed.
    await applyAction(t.deps, await owner(), {
      site: 'blog',
      action: 'approve',
      ids: [made.held ?? ''],
    });
    const afterApprove = await tags();
    assert.notEqual(afterApprove[0], afterNew[0]);
    assert.ok((await feedAt(THREAD_FEED)).ids.includes(made.held ?? ''));
    // Renaming the site changes the site feed's title, so its tag.
    await updateSite(t.deps, 'blog', { name: 'The Blog' });
    const renamed = await get('/feeds/blog/comments.atom', {
      'If-None-Match': afterApprove[1] ?? '',
    });
    assert.equal(renamed.status, 200);
    assert.equal(textOf(readFeed(await renamed.text()).root, 'title'), 'Comments on The Blog');
  });

  it('an empty but valid feed for a thread or site with nothing published', async () => {
    await updateSite(t.deps, 'blog', { moderation: 'all' });
    await post('only-held', { thread: '/only-held/', threadUrl: `${ORIGIN}/only-held/` });
    await updateSite(t.deps, 'blog', { moderation: 'none' });
    const empty = await feedAt('/feeds/blog/thread.atom?thread=/only-held/');
    assert.deepEqual(empty.ids, []);
    assert.equal(textOf(empty.root, 'updated'), (await thread(t, '/only-held/')).created_at);
    assert.equal(kid(empty.root, 'link', ATOM)?.attributes.rel, 'self');

    await addSite(t.deps, 'quiet', { origins: ['https://quiet.example'] });
    const quiet = await feedAt('/feeds/quiet/comments.atom');
    assert.deepEqual(quiet.ids, []);
    const site = await t.deps.db
      .selectFrom('sites')
      .select('created_at')
      .where('id', '=', 'quiet')
      .executeTakeFirstOrThrow();
    assert.equal(textOf(quiet.root, 'updated'), site.created_at);
    assert.equal(kids(quiet.root, 'link')[1]?.attributes.href, 'https://quiet.example');
  });

  it('answers problem+json for an unknown site or thread and a bad thread key', async () => {
    const cases = [
      ['/feeds/blog/thread.atom?thread=/nope/', 404, 'not_found'],
      ['/feeds/nosite/comments.atom', 404, 'site_not_found'],
      ['/feeds/nosite/thread.atom?thread=/2014/03/my-post/', 404, 'site_not_found'],
      ['/feeds/blog/thread.atom?thread=nope', 422, 'validation_failed'],
      ['/feeds/blog/thread.atom', 422, 'validation_failed'],
    ] as const;
    for (const [url, status, code] of cases) {
      const response = await get(url);
      assert.equal(response.status, status, url);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal((await json(response)).code, code, url);
    }
  });

  it('finds a feed’s version by index, then reads its comments with one indexed query', async () => {
    for (const make of [
      (deps: Deps) => threadFeed(deps, 'blog', THREAD),
      (deps: Deps) => siteFeed(deps, 'blog'),
    ]) {
      const record = recorder();
      const feed = await make({ ...t.deps, db: t.deps.db.withPlugin(record) });
      const versionQueries = record.queries.length;
      assert.ok(versionQueries <= 2, 'the version (and the site, when the cache is cold)');
      await feed.render();
      const plans = await explain(t, record.queries);
      assert.equal(plans.length, versionQueries + 1, 'one query for the comments');
      for (const plan of plans) {
        for (const step of plan.steps) {
          assert.doesNotMatch(step, /^SCAN\b/, `${plan.sql}\n  ${step}`);
        }
      }
      const comments = plans.at(-1)?.steps ?? [];
      assert.ok(
        comments.some((s) =>
          /^SEARCH comments USING INDEX comments_(thread_)?status_created/.test(s),
        ),
        comments.join('\n'),
      );
    }
  });
});

describe('the Atom schema the tests validate against', () => {
  const valid = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="${THR}">
  <id>urn:uuid:6f1c0c2e-0000-4000-8000-000000000001</id>
  <title>t</title>
  <updated>2026-03-14T12:00:00.000Z</updated>
  <entry>
    <id>urn:uuid:6f1c0c2e-0000-4000-8000-000000000002</id>
    <title>x</title>
    <author><name>a</name></author>
    <updated>2026-03-14T12:00:00.000Z</updated>
    <thr:in-reply-to ref="urn:uuid:6f1c0c2e-0000-4000-8000-000000000003"/>
    <content type="html">&lt;p&gt;hi&lt;/p&gt;</content>
  </entry>
</feed>
`;

  it('accepts a minimal feed with a reply', () => {
    assert.equal(schemaErrors(valid), null);
  });

  it('refuses a feed missing what RFC 4287 and RFC 4685 require', () => {
    const broken: Record<string, string> = {
      'an entry without id': valid.replace(/<id>urn:uuid:[\w-]+2<\/id>/, ''),
      'an entry without updated': valid.replace(
        /(<author>.*<\/author>)\s*<updated>[^<]*<\/updated>/s,
        '$1',
      ),
      'an entry without title': valid.replace('<title>x</title>', ''),
      'a feed without id': valid.replace(/<id>urn:uuid:[\w-]+1<\/id>/, ''),
      'a date that is not RFC 3339': valid.replace(
        '<updated>2026-03-14T12:00:00.000Z</updated>',
        '<updated>today</updated>',
      ),
      'thr:in-reply-to without ref': valid.replace(/ ref="[^"]*"/, ''),
      'an Atom element that does not exist': valid.replace(
        '<title>x</title>',
        '<title>x</title><comment/>',
      ),
    };
    for (const [what, xml] of Object.entries(broken)) {
      assert.notEqual(xml, valid, what);
      assert.notEqual(schemaErrors(xml), null, what);
    }
  });
});

async function thread(t: TestApp, key: string): Promise<{ id: string; created_at: string }> {
  return t.deps.db
    .selectFrom('threads')
    .select(['id', 'created_at'])
    .where('key', '=', key)
    .where('site_id', '=', 'blog')
    .executeTakeFirstOrThrow();
}

/** Keeps every query a service sends, to explain it (as test/server/query-plans does). */
function recorder(): KyselyPlugin & { queries: RootOperationNode[] } {
  const queries: RootOperationNode[] = [];
  return {
    queries,
    transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
      queries.push(node);
      return node;
    },
    transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return Promise.resolve(result);
    },
  };
}

interface Plan {
  sql: string;
  steps: string[];
}

/** SQLite's EXPLAIN QUERY PLAN of each recorded select. */
async function explain(t: TestApp, queries: readonly RootOperationNode[]): Promise<Plan[]> {
  const executor = t.deps.db.getExecutor();
  const plans: Plan[] = [];
  for (const [i, node] of queries.entries()) {
    if (node.kind !== 'SelectQueryNode') continue;
    const compiled = executor.compileQuery(node, { queryId: `plan-${String(i)}` });
    const explained = await t.deps.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
    );
    plans.push({ sql: compiled.sql, steps: explained.rows.map((r) => r.detail) });
  }
  return plans;
}
