import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { hashClientAddress } from '../../server/services/common/clients.js';
import { makeTestApp, type TestApp } from './helpers.js';
import {
  fixture,
  importInto,
  parentsByAuthor,
  readThread,
  stored,
  threadKeys,
} from './import-support.js';

describe('confab import: every export fixture', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());
  after(() => undefined);

  it('isso/wordpress.xml: 2 threads, 8 comments, nesting and GMT dates kept', async () => {
    const summary = await importInto(t, 'wordpress', fixture('isso-comments-isso-wordpress.xml'));
    assert.deepEqual(summary.comments, { published: 8 });
    assert.equal(summary.orphans, 0);
    assert.deepEqual(await threadKeys(t), ['/2014/test/', '/?p=4']);
    const rows = await stored(t);
    const text = (r: (typeof rows)[number]): string => r.body_source;
    const post = rows.filter((r) => r.key === '/2014/test/');
    assert.equal(post.length, 7);
    // 6 <- 7 <- 8 and 7 <- 9, as the blog showed them.
    const byBody = new Map(post.map((r) => [text(r), r]));
    const zweiter = byBody.get('Zweiter.');
    const droelfter = byBody.get('Drölfter!');
    assert.equal(droelfter?.parent_id, zweiter?.id);
    assert.equal(byBody.get('Yet another reply.')?.parent_id, droelfter?.id);
    assert.equal(droelfter?.depth, 1);
    assert.equal(byBody.get('Yet another reply.')?.depth, 2);
    // comment_date is local (UTC+10); comment_date_gmt is the truth.
    const multi = post.find((r) => r.author_name === 'Multiline Author');
    assert.equal(multi?.created_at, '2022-06-06T02:13:14.000Z');
    assert.equal(
      multi.body_html,
      '<p>When you have a comment with multiple lines:<br />\nWordPress exports it like this.</p>',
    );
    // Emails are kept for the owner, trimmed; addresses hashed like new comments'.
    const first = post.find((r) => r.author_name === 'Ohai');
    assert.equal(first?.author_email, 'test@example.org');
    assert.equal(first.ip_hash, hashClientAddress(t.deps.secret, '82.119.20.0'));
    const thread = await readThread(t, '/2014/test/');
    assert.equal(thread.thread.title, 'Hello, World…');
    assert.equal(thread.thread.url, 'http://example.tld/2014/test/');
    assert.equal(thread.comments.length, 7);
    assert.doesNotMatch(JSON.stringify(thread), /example\.org|posativ|ffff/);
    // The duplicate id 11 in the ?p=4 post is its own comment there.
    assert.equal(rows.filter((r) => r.key === '/?p=4').length, 1);
  });

  it('remark42 xmlTestWP: leading newline, CDATA everywhere, a pending comment, a pingback with a reply', async () => {
    const summary = await importInto(
      t,
      'wordpress',
      fixture('umputun-remark42-wordpress_test-xmlTestWP.xml'),
    );
    assert.deepEqual(summary.comments, { published: 3, pending: 1 });
    assert.equal(summary.pingbacks, 1);
    const rows = await stored(t);
    assert.deepEqual(parentsByAuthor(rows), [
      ['SuperUser1', null],
      ['SuperUser2', null],
      ['Wednesday Reading « Cynwise’s Battlefield Manual'.replace('’', "'"), null],
      ['SuperUser3', "Wednesday Reading « Cynwise's Battlefield Manual"],
    ]);
    const pingback = rows[2];
    assert.equal(
      pingback?.body_html,
      '<p>[...] I know I’m a bit loony with my attachment to my bankers. I’m glad I’m not the only one. [...]</p>',
    );
    const thread = await readThread(t, '/2010/07/do-you-rp/');
    assert.equal(thread.comments.length, 3, 'the pending one is not public');
    assert.equal(thread.thread.commentCount, 3);
  });

  it('remark42 xmlTestWP with --skip-pingbacks: the pingback is counted, its reply becomes an orphan', async () => {
    const summary = await importInto(
      t,
      'wordpress',
      fixture('umputun-remark42-wordpress_test-xmlTestWP.xml'),
      { skipPingbacks: true },
    );
    assert.deepEqual(summary.comments, { published: 2, pending: 1 });
    assert.deepEqual(summary.skipped, { 'pingback (--skip-pingbacks)': 1 });
    assert.equal(summary.orphans, 1);
  });

  it('theme unit test data: https namespace, 33 comments on 7 pages, depth 10, pending, trackbacks', async () => {
    const summary = await importInto(
      t,
      'wordpress',
      fixture('WordPress-wordpress-importer-theme-unit-test-data.xml'),
    );
    assert.deepEqual(summary.comments, { published: 30, pending: 3 });
    assert.equal(summary.threads.created, 7);
    assert.equal(summary.pingbacks, 4);
    const rows = await stored(t);
    assert.equal(rows.length, 33);
    const deep = rows.filter((r) => r.key === '/2012/01/03/template-comments/');
    assert.equal(Math.max(...deep.map((r) => r.depth)), 9, 'Comment Depth 10 sits at depth 9');
    for (let depth = 1; depth <= 9; depth += 1) {
      const row = deep.find((r) =>
        r.body_source.startsWith(`Comment Depth ${String(depth + 1).padStart(2, '0')}`),
      );
      assert.equal(row?.depth, depth);
    }
    // The pending reply to an approved comment keeps its parent.
    const pendingReply = rows.find((r) => r.author_name === 'themereviewteam');
    assert.equal(pendingReply?.status, 'pending');
    assert.notEqual(pendingReply.parent_id, null);
    // Greek names, entities decoded once; the HTML-heavy body is reduced to the allowlist.
    assert.ok(rows.some((r) => r.author_name === 'John Γιάννης Doe Κάποιος'));
    assert.ok(rows.some((r) => r.author_name === 'Ping 1 « What’s a tellyworth?'));
    for (const r of rows) assert.doesNotMatch(r.body_html, /<(img|h\d|table|td|script|div|span)\b/);
    const page = await readThread(t, '/2012/01/03/template-comments/');
    assert.equal(page.comments.length, deep.filter((r) => r.status === 'published').length);
  });

  it('serialized comment meta, sub data and slashes: defaults for missing fields, backslashes kept', async () => {
    await importInto(
      t,
      'wordpress',
      fixture('WordPress-wordpress-importer-test-serialized-comment-meta.xml'),
    );
    await importInto(t, 'wordpress', fixture('WordPress-wordpress-importer-wxr-with-sub-data.xml'));
    await importInto(t, 'wordpress', fixture('WordPress-wordpress-importer-slashes.xml'));
    const rows = await stored(t);
    assert.equal(rows.length, 3);
    const meta = rows.find((r) => r.author_name === 'A WordPress Commenter');
    assert.match(
      meta?.body_html ?? '',
      /<a rel="nofollow ugc noopener noreferrer" href="https:\/\/gravatar.com">Gravatar<\/a>/,
    );
    // No link, no dates, no status: a published comment on /?p=101, dated at import.
    const sub = rows.find((r) => r.key === '/?p=101');
    assert.equal(sub?.status, 'published');
    assert.equal(sub.created_at, '2026-03-14T12:00:00.000Z');
    const slashes = rows.find((r) => r.body_html.includes('ツ'));
    assert.equal(slashes?.body_html, '<p>\\o/ ¯\\_(ツ)_/¯</p>');
  });

  it('Artransfer WordPress 5.9 sample: 5 comments, depth 2, UTC+8 dates from the GMT field', async () => {
    const summary = await importInto(
      t,
      'wordpress',
      fixture('ArtalkJS-Artransfer-WordPress.sample'),
    );
    assert.deepEqual(summary.comments, { published: 5 });
    const rows = (await stored(t)).filter((r) => r.key === '/2022/04/09/hello-world/');
    assert.equal(rows.length, 5);
    assert.equal(rows[0]?.created_at, '2022-04-09T09:28:47.000Z');
    assert.deepEqual(
      rows.map((r) => r.depth),
      [0, 0, 1, 0, 2],
    );
  });

  it('isso/disqus.xml: 5 comments, the orphan thread skipped, the deleted parent kept as a placeholder', async () => {
    const summary = await importInto(t, 'disqus', fixture('isso-comments-isso-disqus.xml'));
    assert.deepEqual(summary.comments, { published: 4, deleted: 1 });
    assert.deepEqual(summary.skipped, { 'thread missing from the file': 1 });
    assert.deepEqual(await threadKeys(t), ['/', '/blog/2013/02/12/redacted/index.html']);
    const thread = await readThread(t, '/');
    // Post 4 and the deleted post 9 share a date: each is followed by its reply.
    const parentOf = new Map(thread.comments.map((c) => [c.id, c.parentId]));
    const view = thread.comments.map((c) => ({
      status: c.status,
      html: c.html,
      name: c.author?.name ?? null,
      parent:
        c.parentId === null
          ? null
          : (thread.comments.find((p) => p.id === parentOf.get(c.id))?.status ?? '?'),
    }));
    assert.equal(view.length, 4);
    assert.deepEqual(
      view
        .filter((v) => v.parent === null)
        .map((v) => v.status)
        .sort(),
      ['deleted', 'published'],
    );
    assert.deepEqual(
      view
        .filter((v) => v.parent !== null)
        .map((v) => [v.parent, v.html, v.name])
        .sort(),
      [
        ['deleted', '<p>Hello, World.</p>', 'user'],
        ['published', '<p>Hello, World.</p>', 'user'],
      ],
    );
    assert.deepEqual(
      view.find((v) => v.status === 'deleted'),
      { status: 'deleted', html: '', name: null, parent: null },
    );
    assert.equal(thread.thread.title, 'Hello, World!');
  });

  it('Artransfer Disqus sample: pretty-printed values, 4 comments, depth 2, no emails', async () => {
    const summary = await importInto(t, 'disqus', fixture('ArtalkJS-Artransfer-Disqus.sample'));
    assert.deepEqual(summary.comments, { published: 4 });
    const rows = await stored(t);
    assert.deepEqual(
      rows.map((r) => [r.depth, r.author_email]),
      [
        [0, null],
        [1, null],
        [0, null],
        [2, null],
      ],
    );
    assert.ok(rows.some((r) => r.author_name === 'what？'));
  });

  for (const name of [
    'umputun-remark42-disqus.xml',
    'umputun-remark42-disqus-deleted-post.xml',
    'umputun-remark42-disqus-deleted-thread.xml',
  ]) {
    it(`${name}: not well-formed (an unquoted attribute): a clear error with its line, nothing written`, async () => {
      await assert.rejects(
        importInto(t, 'disqus', fixture(name)),
        /line 147: not well-formed XML: unquoted attribute value/,
      );
      assert.deepEqual(await stored(t), []);
      assert.deepEqual(await threadKeys(t), []);
    });
  }

  it('isso generic JSON: 2 threads, form-encoded titles, per-thread ids', async () => {
    const summary = await importInto(t, 'isso', fixture('isso-comments-isso-generic.json'));
    assert.deepEqual(summary.comments, { published: 2 });
    assert.deepEqual(await threadKeys(t), ['/posts/0001/', '/posts/0007/']);
    assert.equal((await readThread(t, '/posts/0007/')).thread.title, 'Nat & Miguel');
    const rows = await stored(t);
    assert.equal(rows[0]?.created_at, '2005-02-24T04:03:37.000Z');
    assert.equal(rows[0].ip_hash, null, '0.0.0.0 is no address');
  });

  it('Commento (remark42 testdata): 3 comments on 2 paths, a reply, the anonymous commenter', async () => {
    const summary = await importInto(t, 'commento', fixture('umputun-remark42-commento.json'));
    assert.deepEqual(summary.comments, { published: 3 });
    assert.deepEqual(await threadKeys(t), ['/blog/post/1', '/blog/post/2']);
    const rows = await stored(t);
    assert.deepEqual(parentsByAuthor(rows), [
      ['Anonymous', null],
      ['User5276', null],
      ['Saturnin Uf', 'User5276'],
    ]);
    assert.equal(rows[1]?.author_email, 'somegreatmail@gmail.com');
    assert.equal(rows[1].created_at, '2021-03-17T12:09:47.722Z');
  });

  it('Commento (remark42 api testdata): 7 empty comments, 2 replies, "undefined" means no email', async () => {
    const summary = await importInto(
      t,
      'commento',
      fixture('umputun-remark42-api-testdata-commento.json'),
    );
    assert.deepEqual(summary.comments, { published: 7 });
    const rows = await stored(t);
    assert.equal(rows.filter((r) => r.parent_id !== null).length, 2);
    assert.ok(rows.every((r) => r.author_email === null && r.body_html === ''));
    assert.equal((await readThread(t, '/example')).comments.length, 7);
  });

  it('remark42 backup (JSON lines): 2 comments, the one with a missing parent is an orphan', async () => {
    const summary = await importInto(
      t,
      'remark42',
      fixture('umputun-remark42-native_test-TestNative_Import.jsonl'),
    );
    assert.deepEqual(summary.comments, { published: 2 });
    assert.equal(summary.orphans, 1);
    assert.deepEqual(await threadKeys(t), ['/', '/2']);
    const rows = await stored(t);
    assert.equal(rows[0]?.created_at, '2017-12-20T21:18:22.000Z', '-06:00 honoured');
    assert.equal(
      rows[0].body_html,
      '<p>some text, <a rel="nofollow ugc noopener noreferrer" href="http://radio-t.com">link</a></p>',
    );
    assert.ok(rows.every((r) => r.ip_hash === null && r.parent_id === null));
  });
});
