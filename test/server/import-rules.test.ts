import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { makeTestApp, type TestApp } from './helpers.js';
import {
  byStatus,
  fixture,
  importInto,
  readThread,
  stored,
  threadKeys,
  writeTemp,
  wxr,
  wxrItem,
  type WxrComment,
} from './import-support.js';

describe('confab import: the rules', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  it('never lets script, event handlers or javascript: links into body_html', async () => {
    const attacks = [
      '<script>alert(1)</script>Hello',
      '<img src=x onerror="alert(1)">',
      '<a href="javascript:alert(1)">click</a>',
      '<a href="JaVaScRiPt&#58;alert(1)">entity</a>',
      '<svg onload=alert(1)><circle/></svg>',
      '<iframe src="https://evil.example"></iframe>',
      '<p onclick="alert(1)" style="background:url(javascript:alert(1))">styled</p>',
      '&lt;script&gt;alert(1)&lt;/script&gt;',
      '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>',
      '[x](javascript:alert(1)) <javascript:alert(1)>',
    ];
    const path = writeTemp(
      t,
      'attack.xml',
      wxr(
        wxrItem(
          'https://blog.example/attack/',
          1,
          attacks.map((content, i) => ({
            id: i + 1,
            content,
            author: '<b onmouseover=x>Mallory</b>',
          })),
        ),
      ),
    );
    await importInto(t, 'wordpress', path);
    const rows = await stored(t);
    assert.equal(rows.length, attacks.length);
    for (const r of rows) {
      // No tag or attribute that runs anything; such words may stay visible as text.
      assert.doesNotMatch(
        r.body_html,
        /<script|<img|<iframe|<svg|\son\w+=|style=|href="(?!https?:)/i,
      );
      // A name is text: kept as written, shown as text (the widget never parses it).
      assert.equal(r.author_name, '<b onmouseover=x>Mallory</b>');
    }
    // Text that was escaped in the source stays visible as text, decoded once.
    assert.ok(rows.some((r) => r.body_html === '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'));
    // Re-rendering the stored source gives the stored HTML.
    for (const r of rows) assert.equal(await t.deps.renderer.render(r.body_source), r.body_html);
    const thread = await readThread(t, '/attack/');
    assert.doesNotMatch(JSON.stringify(thread), /<script|<img|href=\\"javascript/i);
    assert.ok(rows.some((r) => r.body_html === '<p>[x](javascript:alert(1))</p>'));
  });

  it('a second import of the same file changes nothing', async () => {
    const file = fixture('WordPress-wordpress-importer-theme-unit-test-data.xml');
    const first = await importInto(t, 'wordpress', file);
    const before = await stored(t);
    const second = await importInto(t, 'wordpress', file);
    assert.deepEqual(second.comments, {});
    assert.deepEqual(second.threads, { created: 0, existing: 0 });
    assert.deepEqual(second.skipped, { 'already imported': 33 });
    assert.deepEqual(first.comments, { published: 30, pending: 3 });
    assert.deepEqual(await stored(t), before);
  });

  it('a re-export with new comments adds only those, threaded under the ones already imported', async () => {
    const one: WxrComment[] = [{ id: 1 }, { id: 2, parent: 1, dateGmt: '2020-01-01 11:00:00' }];
    await importInto(
      t,
      'wordpress',
      writeTemp(t, 'a.xml', wxr(wxrItem('https://blog.example/p/', 7, one))),
    );
    const more = [...one, { id: 3, parent: 2, dateGmt: '2020-01-02 10:00:00' }];
    const summary = await importInto(
      t,
      'wordpress',
      writeTemp(t, 'b.xml', wxr(wxrItem('https://blog.example/p/', 7, more))),
    );
    assert.deepEqual(summary.comments, { published: 1 });
    assert.deepEqual(summary.threads, { created: 0, existing: 1 });
    const rows = await stored(t);
    assert.deepEqual(
      rows.map((r) => r.depth),
      [0, 1, 2],
    );
    assert.equal(rows[2]?.parent_id, rows[1]?.id);
    assert.equal(rows[2]?.root_id, rows[0]?.id);
  });

  it('duplicate ids inside one post: the first one counts', async () => {
    const path = writeTemp(
      t,
      'dup.xml',
      wxr(
        wxrItem('https://blog.example/d/', 1, [
          { id: 5, content: 'first' },
          { id: 5, content: 'again' },
        ]),
      ),
    );
    const summary = await importInto(t, 'wordpress', path);
    assert.deepEqual(summary.comments, { published: 1 });
    assert.deepEqual(summary.skipped, { 'duplicate id in the file': 1 });
    assert.equal((await stored(t))[0]?.body_source, 'first');
  });

  it('one file is all or nothing: broken XML after hundreds of comments writes nothing', async () => {
    const comments = Array.from({ length: 600 }, (_, i) => ({ id: i + 1 }));
    const text = wxr(
      wxrItem('https://blog.example/big/', 1, comments) +
        '\n<item><title>broken</title><link>x</lnk></item>',
    );
    const path = writeTemp(t, 'broken.xml', text);
    const line = text.split('\n').findIndex((l) => l.includes('</lnk>')) + 1;
    await assert.rejects(importInto(t, 'wordpress', path), (error: Error) => {
      assert.match(error.message, new RegExp(`^line ${line}: not well-formed XML`));
      return true;
    });
    assert.deepEqual(await stored(t), []);
    assert.deepEqual(await threadKeys(t), []);
    const sources = await t.deps.db.selectFrom('import_sources').selectAll().execute();
    assert.deepEqual(sources, []);
  });

  it('--dry-run reports what an import would do and writes nothing', async () => {
    const file = fixture('isso-comments-isso-disqus.xml');
    const dry = await importInto(t, 'disqus', file, { dryRun: true });
    assert.equal(dry.dryRun, true);
    assert.deepEqual(dry.comments, { published: 4, deleted: 1 });
    assert.deepEqual(await stored(t), []);
    const real = await importInto(t, 'disqus', file);
    assert.deepEqual({ ...real, dryRun: true }, dry);
  });

  it('statuses: approved, pending, spam and trash; spam is kept for the owner and never public', async () => {
    const path = writeTemp(
      t,
      'statuses.xml',
      wxr(
        wxrItem('https://blog.example/s/', 1, [
          { id: 1, approved: '1' },
          { id: 2, approved: '0' },
          { id: 3, approved: 'spam', content: 'Buy pills' },
          { id: 4, approved: 'trash' },
          { id: 5, approved: 'hold' },
          { id: 6, type: 'order_note' },
        ]),
      ),
    );
    const summary = await importInto(t, 'wordpress', path);
    assert.deepEqual(summary.comments, { published: 1, pending: 2, spam: 2 });
    assert.deepEqual(summary.skipped, { 'comment type "order_note"': 1 });
    const thread = await readThread(t, '/s/');
    assert.equal(thread.comments.length, 1);
    assert.equal(thread.thread.commentCount, 1);
    assert.doesNotMatch(JSON.stringify(thread), /pills/);
  });

  it('dates: the GMT field, the local one only when GMT is 0000-00-00, offsets honoured', async () => {
    await importInto(
      t,
      'wordpress',
      writeTemp(
        t,
        'dates.xml',
        wxr(
          wxrItem('https://blog.example/dates/', 1, [
            { id: 1, date: '2020-05-05 12:00:00', dateGmt: '2020-05-05 02:00:00' },
            { id: 2, date: '2020-05-06 12:00:00', dateGmt: '0000-00-00 00:00:00' },
          ]),
        ),
      ),
    );
    await importInto(
      t,
      'disqus',
      writeTemp(
        t,
        'dates-disqus.xml',
        `<?xml version="1.0"?><disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="1"><link>https://blog.example/dq/</link><title>T</title></thread>
<post dsq:id="10"><message><![CDATA[<p>hi</p>]]></message><createdAt>2013-10-10T19:20:29+02:00</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>A</name></author><thread dsq:id="1"/></post>
</disqus>`,
      ),
    );
    const rows = await stored(t);
    assert.deepEqual(
      rows.map((r) => r.created_at),
      ['2013-10-10T17:20:29.000Z', '2020-05-05T02:00:00.000Z', '2020-05-06T12:00:00.000Z'],
    );
  });

  it('--map-url moves threads of a moved domain (exact URL, then prefix) before keys are made', async () => {
    const path = writeTemp(
      t,
      'moved.xml',
      wxr(
        wxrItem('http://old.example/2014/test/', 1, [{ id: 1 }]) +
          wxrItem('http://old.example/about', 2, [{ id: 2 }]),
      ),
    );
    await importInto(t, 'wordpress', path, {
      urlRules: [
        { from: 'http://old.example/about', to: 'https://blog.example/about-me/' },
        { from: 'http://old.example/', to: 'https://blog.example/posts/' },
      ],
    });
    assert.deepEqual(await threadKeys(t), ['/about-me/', '/posts/2014/test/']);
    assert.equal(
      (await readThread(t, '/posts/2014/test/')).thread.url,
      'https://blog.example/posts/2014/test/',
    );
  });

  it('threading: a reply before its parent finds it; a missing parent makes an orphan at top level; depth is capped at 32', async () => {
    const chain = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, parent: i === 0 ? 0 : i }));
    const path = writeTemp(
      t,
      'threads.xml',
      wxr(
        wxrItem('https://blog.example/late/', 1, [
          { id: 2, parent: 1, content: 'reply first' },
          { id: 3, parent: 2, content: 'grandchild' },
          { id: 1, content: 'parent later' },
          { id: 4, parent: 999, content: 'orphan' },
        ]) + wxrItem('https://blog.example/deep/', 2, chain),
      ),
    );
    const summary = await importInto(t, 'wordpress', path);
    assert.equal(summary.orphans, 1);
    assert.equal(summary.depthCapped, 7);
    const rows = await stored(t);
    const late = rows.filter((r) => r.key === '/late/');
    const by = (body: string): (typeof late)[number] | undefined =>
      late.find((r) => r.body_source === body);
    assert.equal(by('reply first')?.parent_id, by('parent later')?.id);
    assert.equal(by('grandchild')?.depth, 2);
    assert.equal(by('grandchild')?.root_id, by('parent later')?.id);
    assert.equal(by('orphan')?.parent_id, null);
    const deep = rows.filter((r) => r.key === '/deep/');
    assert.equal(Math.max(...deep.map((r) => r.depth)), 32);
    assert.equal(deep.filter((r) => r.depth === 32).length, 8);
    assert.equal(byStatus(deep).published, 40);
  });

  it('deleted comments stay as placeholders only above replies', async () => {
    const path = writeTemp(
      t,
      'deleted.xml',
      `<?xml version="1.0"?><disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="1"><link>https://blog.example/del/</link></thread>
<post dsq:id="1"><message>gone</message><createdAt>2013-01-01T00:00:00Z</createdAt><isDeleted>true</isDeleted><author><name>A</name><email>a@example.com</email></author><ipAddress>198.51.100.1</ipAddress><thread dsq:id="1"/></post>
<post dsq:id="2"><message>reply</message><createdAt>2013-01-02T00:00:00Z</createdAt><author><name>B</name></author><thread dsq:id="1"/><parent dsq:id="1"/></post>
<post dsq:id="3"><message>alone</message><createdAt>2013-01-03T00:00:00Z</createdAt><isDeleted>true</isDeleted><author><name>C</name></author><thread dsq:id="1"/></post>
</disqus>`,
    );
    const summary = await importInto(t, 'disqus', path);
    assert.deepEqual(summary.comments, { deleted: 1, published: 1 });
    assert.deepEqual(summary.skipped, { 'deleted, with no replies': 1 });
    const rows = await stored(t);
    const placeholder = rows.find((r) => r.status === 'deleted');
    assert.deepEqual(
      [
        placeholder?.author_name,
        placeholder?.author_email,
        placeholder?.ip_hash,
        placeholder?.body_html,
      ],
      [null, null, null, ''],
    );
    // A second run does not bring the removed one back.
    const again = await importInto(t, 'disqus', path);
    assert.deepEqual(again.comments, {});
    assert.equal((await stored(t)).length, 2);
  });

  it('registered WordPress users become guests with their name', async () => {
    await importInto(t, 'wordpress', fixture('ArtalkJS-Artransfer-WordPress.sample'));
    const rows = await stored(t);
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r.user_id === null));
  });
});
