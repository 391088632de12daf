/**
 * Comment rendering (security.md section 4, tests T1, T2, T4, T10): every payload of the
 * section 4 list goes through the renderer directly and end to end (create, thread read,
 * preview), and the HTML that comes out is parsed and held to the allowlist.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Parser } from 'htmlparser2';
import { createRenderer } from '../../server/services/common/render.js';
import type {
  CreateCommentResponse,
  PreviewResponse,
  Problem,
  ThreadResponse,
} from '../../server/contract.js';
import { guestComment, json, makeTestApp, ORIGIN, type TestApp } from './helpers.js';

const ALLOWED_TAGS = new Set([
  'p',
  'br',
  'hr',
  'strong',
  'em',
  'del',
  's',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
]);
const ALLOWED_ATTRIBUTES: Record<string, readonly string[]> = { a: ['href', 'rel'], ol: ['start'] };
const REL = 'nofollow ugc noopener noreferrer';
const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

interface Tag {
  name: string;
  attribs: Record<string, string>;
}

interface Parsed {
  tags: Tag[];
  text: string;
  /** Comments, processing instructions and CDATA: none may come out. */
  oddities: string[];
}

function parse(html: string): Parsed {
  const parsed: Parsed = { tags: [], text: '', oddities: [] };
  const parser = new Parser(
    {
      onopentag: (name, attribs) => parsed.tags.push({ name, attribs }),
      ontext: (text) => {
        parsed.text += text;
      },
      oncomment: (data) => parsed.oddities.push(`comment: ${data}`),
      onprocessinginstruction: (name, data) => parsed.oddities.push(`instruction: ${name} ${data}`),
      oncdatastart: () => parsed.oddities.push('cdata'),
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return parsed;
}

/** A link target as a browser reads it: outer C0 controls and spaces gone, tabs and newlines gone. */
function asBrowserReadsIt(href: string): string {
  return href.replace(/^[\0-\x20]+|[\0-\x20]+$/g, '').replace(/[\t\n\r]/g, '');
}

function assertSafeHref(href: string, html: string): void {
  const squashed = href.replace(/[\0-\x20\x7F-\x9F\u2028\u2029]/g, '').toLowerCase();
  assert.ok(!squashed.includes('javascript'), `href ${JSON.stringify(href)} in ${html}`);
  assert.ok(!squashed.includes('vbscript'), `href ${JSON.stringify(href)} in ${html}`);
  assert.ok(!squashed.includes('data:'), `href ${JSON.stringify(href)} in ${html}`);
  const target = asBrowserReadsIt(href);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target);
  if (scheme !== null) {
    assert.ok(
      SAFE_SCHEMES.has(`${scheme[1]?.toLowerCase()}:`),
      `href ${JSON.stringify(href)} has a scheme other than http, https or mailto`,
    );
  }
  const resolved = new URL(target, `${ORIGIN}/2014/03/my-post/`);
  assert.ok(
    SAFE_SCHEMES.has(resolved.protocol),
    `href ${JSON.stringify(href)} resolves to ${resolved.protocol}`,
  );
}

/** The output holds only allowlisted elements and attributes, and only safe links. */
function assertSafeHtml(html: string): Parsed {
  // Every `<` that reaches the page must open or close an allowlisted element; any other
  // `<` has to have been escaped. This holds whatever a parser makes of the rest.
  const stray = /<(?!\/?(?:p|br|hr|strong|em|del|s|code|pre|blockquote|ul|ol|li|a)[\s/>])/gi.exec(
    html,
  );
  assert.equal(stray, null, `a "<" that is not an allowlisted tag at ${stray?.index} in ${html}`);
  const parsed = parse(html);
  assert.deepEqual(parsed.oddities, [], `comments or instructions in ${html}`);
  for (const tag of parsed.tags) {
    assert.ok(ALLOWED_TAGS.has(tag.name), `<${tag.name}> in ${html}`);
    const allowed = ALLOWED_ATTRIBUTES[tag.name] ?? [];
    for (const attribute of Object.keys(tag.attribs)) {
      assert.ok(allowed.includes(attribute), `<${tag.name} ${attribute}> in ${html}`);
    }
    if (tag.name === 'a') {
      assert.equal(tag.attribs.rel, REL, `rel of a link in ${html}`);
      const href = tag.attribs.href;
      if (href !== undefined) assertSafeHref(href, html);
    }
    if (tag.name === 'ol' && tag.attribs.start !== undefined) {
      assert.match(tag.attribs.start, /^\d+$/);
    }
  }
  return parsed;
}

function links(parsed: Parsed): Tag[] {
  return parsed.tags.filter((t) => t.name === 'a');
}

interface Payload {
  item: number;
  source: string;
  /** Refused on the write paths because the body holds control characters. */
  controlCharacters?: true;
}

// security.md section 4, "Payloads for every sink", items 1-10 and 12, written out.
const PAYLOADS: Payload[] = [
  { item: 1, source: '[x](javascript:alert(1))' },
  { item: 1, source: '[x](JaVaScRiPt:alert(1))' },
  { item: 1, source: '[x](&#106;avascript:alert(1))' },
  { item: 2, source: '[x](\u2028javascript:alert(1))' },
  { item: 2, source: '<a href="\u0001java\u0003script:alert(1)">', controlCharacters: true },
  { item: 3, source: '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)' },
  { item: 4, source: String.raw`[x](https://a "x\" onmouseover=alert(1) y=\"")` },
  { item: 4, source: '![a](x"onerror="alert(1))' },
  { item: 5, source: '<img src=x onerror=alert(1)>' },
  { item: 5, source: '<svg/onload=alert(1)>' },
  { item: 5, source: '<details open ontoggle=alert(1)>' },
  {
    item: 6,
    source: '<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>',
  },
  { item: 7, source: '<b><noscript><a alt="</noscript><img src=x onerror=alert(1)>"></noscript>' },
  { item: 7, source: '<textarea>a</textarea><!--</textarea><img src=x onerror=alert(1)>-->' },
  { item: 8, source: '<img src=x name=createElement>' },
  { item: 8, source: '<a id=location href=#>' },
  {
    item: 9,
    source:
      "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"`/+/onmouseover=1/+/[*/[]/+alert(42);//'>",
  },
  {
    item: 10,
    source:
      '<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x31&#x29>',
  },
  { item: 12, source: '`<img src=x onerror=alert(1)>`' },
  { item: 12, source: '<javascript:alert(1)>' },
];

// Item 13: inputs that made other Markdown parsers and sanitizers backtrack or recurse.
const REDOS: { label: string; source: string }[] = [
  { label: '"*" x 50,000 + "x"', source: '*'.repeat(50000) + 'x' },
  { label: '"__*_" x 20,000', source: '__*_'.repeat(20000) },
  { label: '"[" x 50,000', source: '['.repeat(50000) },
  { label: '">" x 10,000 + "a"', source: '>'.repeat(10000) + 'a' },
];

const NON_ASCII = 'Привет, мир! 你好，世界。Καλημέρα κόσμε. 👋🏽 👩‍👩‍👧 ✓';

describe('createRenderer()', () => {
  const renderer = createRenderer();

  it('writes item 2 with the real U+2028, U+0001 and U+0003 characters', () => {
    assert.ok(PAYLOADS.some((p) => p.source.includes('\u2028')));
    assert.ok(PAYLOADS.some((p) => p.source.includes('\u0001') && p.source.includes('\u0003')));
  });

  for (const payload of PAYLOADS) {
    it(`renders section 4 item ${payload.item} ${JSON.stringify(payload.source)} inert`, () => {
      const html = renderer.render(payload.source);
      const parsed = assertSafeHtml(html);
      assert.ok(!parsed.tags.some((t) => t.name === 'img'));
    });
  }

  it('refuses javascript: links in any spelling, leaving no link', () => {
    for (const source of [
      '[x](javascript:alert(1))',
      '[x](JaVaScRiPt:alert(1))',
      '[x](&#106;avascript:alert(1))',
      '[x](\u2028javascript:alert(1))',
      '<javascript:alert(1)>',
    ]) {
      const parsed = assertSafeHtml(renderer.render(source));
      assert.deepEqual(links(parsed), [], source);
    }
  });

  it('refuses a data: link, leaving no link', () => {
    const html = renderer.render('[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)');
    assert.deepEqual(links(assertSafeHtml(html)), []);
  });

  it('keeps a link with a quoted title to its target, with no title or handler', () => {
    const html = renderer.render(String.raw`[x](https://a "x\" onmouseover=alert(1) y=\"")`);
    const [link, ...rest] = links(assertSafeHtml(html));
    assert.deepEqual(rest, []);
    assert.deepEqual(link?.attribs, { rel: REL, href: 'https://a' });
  });

  it('turns HTML in the body into visible text', () => {
    const parsed = assertSafeHtml(renderer.render('<img src=x onerror=alert(1)>'));
    assert.equal(parsed.text, '<img src=x onerror=alert(1)>');
    const clobber = assertSafeHtml(renderer.render('<a id=location href=#>'));
    assert.deepEqual(links(clobber), []);
    assert.equal(clobber.text, '<a id=location href=#>');
  });

  it('keeps HTML in inline code as escaped text', () => {
    const html = renderer.render('`<img src=x onerror=alert(1)>`');
    assertSafeHtml(html);
    assert.ok(html.includes('<code>&lt;img src=x onerror=alert(1)&gt;</code>'), html);
  });

  for (const input of REDOS) {
    it(`finishes section 4 item 13 ${input.label} with safe output`, () => {
      const html = renderer.render(input.source);
      assert.ok(html.length > 0);
      assertSafeHtml(html);
    });
  }

  it('renders **bold** as <strong>', () => {
    assert.equal(renderer.render('**bold**'), '<p><strong>bold</strong></p>');
  });

  it('renders bullet and numbered lists', () => {
    const bullets = assertSafeHtml(renderer.render('- one\n- two'));
    assert.deepEqual(
      bullets.tags.map((t) => t.name),
      ['ul', 'li', 'li'],
    );
    const numbered = assertSafeHtml(renderer.render('3. three\n4. four'));
    assert.deepEqual(numbered.tags[0], { name: 'ol', attribs: { start: '3' } });
  });

  it('renders a code fence as <pre><code> with its HTML escaped', () => {
    const html = renderer.render('```\n<b onclick="x()">hi</b>\n```');
    assertSafeHtml(html);
    assert.equal(html, '<pre><code>&lt;b onclick="x()"&gt;hi&lt;/b&gt;\n</code></pre>');
  });

  it('renders a blockquote', () => {
    const parsed = assertSafeHtml(renderer.render('> quoted'));
    assert.deepEqual(
      parsed.tags.map((t) => t.name),
      ['blockquote', 'p'],
    );
    assert.equal(parsed.text.trim(), 'quoted');
  });

  it('renders an https link with rel="nofollow ugc noopener noreferrer"', () => {
    const [link] = links(assertSafeHtml(renderer.render('[site](https://example.com/a?b=1&c=2)')));
    assert.deepEqual(link?.attribs, { rel: REL, href: 'https://example.com/a?b=1&c=2' });
  });

  it('renders a mailto link', () => {
    const [link] = links(assertSafeHtml(renderer.render('[mail me](mailto:me@example.com)')));
    assert.deepEqual(link?.attribs, { rel: REL, href: 'mailto:me@example.com' });
  });

  it('renders a relative link', () => {
    const [link] = links(assertSafeHtml(renderer.render('[older post](/2013/01/older/)')));
    assert.deepEqual(link?.attribs, { rel: REL, href: '/2013/01/older/' });
  });

  it('links a bare URL', () => {
    const parsed = assertSafeHtml(renderer.render('see https://example.com/page for more'));
    const [link] = links(parsed);
    assert.deepEqual(link?.attribs, { rel: REL, href: 'https://example.com/page' });
    assert.equal(parsed.text, 'see https://example.com/page for more');
  });

  it('turns a single newline into <br>', () => {
    const parsed = assertSafeHtml(renderer.render('line one\nline two'));
    assert.deepEqual(
      parsed.tags.map((t) => t.name),
      ['p', 'br'],
    );
  });

  it('does not turn a Markdown image into <img>', () => {
    const parsed = assertSafeHtml(renderer.render('![a](https://x/y.png)'));
    assert.ok(!parsed.tags.some((t) => t.name === 'img'));
  });

  it('does not turn "# hi" into a heading', () => {
    const html = renderer.render('# hi');
    const parsed = assertSafeHtml(html);
    assert.ok(!parsed.tags.some((t) => /^h\d$/.test(t.name)), html);
    assert.equal(parsed.text, '# hi');
  });

  it('keeps Cyrillic, Chinese, Greek and emoji as they are', () => {
    assert.equal(renderer.render(NON_ASCII), `<p>${NON_ASCII}</p>`);
  });
});

describe('POST /api/v1/comments, GET /api/v1/threads and POST /api/v1/preview', () => {
  let t: TestApp;
  const renderer = createRenderer();

  // Payloads repeat one another and carry many links: each comes from its own reader, and
  // links are not held here (this suite is about rendering, not moderation).
  let readers = 0;
  const reader = (): { ip: string } => {
    readers += 1;
    return { ip: `198.18.${String(Math.floor(readers / 250))}.${String((readers % 250) + 1)}` };
  };

  before(async () => {
    t = await makeTestApp({ site: { maxLinks: 1000 } });
  });
  after(async () => {
    await t.close();
  });

  async function readThread(thread: string): Promise<ThreadResponse> {
    const query = new URLSearchParams({ site: 'blog', thread });
    const response = await t.request(`/api/v1/threads?${query}`);
    assert.equal(response.status, 200);
    return json<ThreadResponse>(response);
  }

  function preview(body: string): Promise<Response> {
    return t.request('/api/v1/preview', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ site: 'blog', body }),
    });
  }

  /** Posts `body` to a thread of its own; checks the create, read and preview HTML agree. */
  async function roundTrip(body: string, thread: string): Promise<string> {
    const created = await t.post(guestComment({ body, thread }), reader());
    assert.equal(created.status, 201, await created.clone().text());
    const { comment } = await json<CreateCommentResponse>(created);
    const { comments } = await readThread(thread);
    assert.equal(comments.length, 1);
    assert.equal(comments[0]?.id, comment.id);
    assert.equal(comments[0].html, comment.html, 'read HTML differs from create HTML');
    const previewed = await preview(body);
    assert.equal(previewed.status, 200);
    assert.equal((await json<PreviewResponse>(previewed)).html, comment.html);
    return comment.html;
  }

  PAYLOADS.forEach((payload, index) => {
    if (payload.controlCharacters === true) {
      it(`refuses section 4 item ${payload.item} ${JSON.stringify(payload.source)} for its control characters`, async () => {
        const thread = `/render/payload-${index}/`;
        const created = await t.post(guestComment({ body: payload.source, thread }), reader());
        assert.equal(created.status, 422);
        const problem = await json<Problem>(created);
        assert.equal(problem.code, 'validation_failed');
        assert.deepEqual(
          problem.errors?.map((e) => [e.field, e.code]),
          [['body', 'invalid_characters']],
        );
        const previewed = await preview(payload.source);
        assert.equal(previewed.status, 422);
        assert.equal((await readThread(thread)).comments.length, 0);
      });
      return;
    }
    it(`stores, returns and previews section 4 item ${payload.item} ${JSON.stringify(payload.source)} inert`, async () => {
      const html = await roundTrip(payload.source, `/render/payload-${index}/`);
      const parsed = assertSafeHtml(html);
      assert.ok(!parsed.tags.some((t) => t.name === 'img'));
      assert.equal(html, renderer.render(payload.source.trim()));
    });
  });

  it('keeps HTML in inline code as escaped text end to end', async () => {
    const html = await roundTrip('`<img src=x onerror=alert(1)>`', '/render/code-span/');
    assert.equal(html, '<p><code>&lt;img src=x onerror=alert(1)&gt;</code></p>');
  });

  REDOS.forEach((input, index) => {
    it(`refuses section 4 item 13 ${input.label} as too large, without a 500`, async () => {
      const thread = `/render/redos-${index}/`;
      const created = await t.post(guestComment({ body: input.source, thread }), reader());
      assert.ok(
        created.status === 413 || created.status === 422,
        `status ${created.status}: ${await created.text()}`,
      );
      assert.equal((await readThread(thread)).comments.length, 0);
    });

    it(`stores section 4 item 13 ${input.label} cut to 10,000 characters, safely`, async () => {
      const body = input.source.slice(0, 10_000);
      const html = await roundTrip(body, `/render/redos-at-limit-${index}/`);
      assert.ok(html.length > 0);
      assertSafeHtml(html);
    });
  });

  it('renders the positive cases end to end', async () => {
    const cases: [string, string][] = [
      ['**bold**', '<p><strong>bold</strong></p>'],
      ['- one\n- two', '<ul>\n<li>one</li>\n<li>two</li>\n</ul>'],
      ['```\n<b>x</b>\n```', '<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>'],
      ['> quoted', '<blockquote>\n<p>quoted</p>\n</blockquote>'],
    ];
    for (const [index, [source, expected]] of cases.entries()) {
      assert.equal(await roundTrip(source, `/render/positive-${index}/`), expected);
    }
    const linked = await roundTrip(
      '[a](https://example.com/) [b](mailto:me@example.com) [c](/older/) https://example.org/x',
      '/render/positive-links/',
    );
    assert.deepEqual(
      links(assertSafeHtml(linked)).map((l) => l.attribs),
      [
        { rel: REL, href: 'https://example.com/' },
        { rel: REL, href: 'mailto:me@example.com' },
        { rel: REL, href: '/older/' },
        { rel: REL, href: 'https://example.org/x' },
      ],
    );
    const broken = assertSafeHtml(await roundTrip('one\ntwo', '/render/positive-br/'));
    assert.ok(broken.tags.some((t) => t.name === 'br'));
    const image = assertSafeHtml(await roundTrip('![a](https://x/y.png)', '/render/positive-img/'));
    assert.ok(!image.tags.some((t) => t.name === 'img'));
    const heading = assertSafeHtml(await roundTrip('# hi', '/render/positive-h1/'));
    assert.ok(!heading.tags.some((t) => /^h\d$/.test(t.name)));
  });

  it('round-trips Cyrillic, Chinese, Greek and emoji', async () => {
    const created = await t.post(guestComment({ body: NON_ASCII, thread: '/render/unicode/' }));
    assert.equal(created.status, 201);
    const { comments } = await readThread('/render/unicode/');
    assert.equal(comments[0]?.html, `<p>${NON_ASCII}</p>`);
  });

  it('returns a name holding HTML exactly as typed, as data', async () => {
    for (const [index, name] of [
      'Guest</a><img src=x onerror=alert(1)>',
      '<iframe srcdoc="&#60;script&#62;alert(1)&#60;/script&#62;">',
    ].entries()) {
      const thread = `/render/name-${index}/`;
      const created = await t.post(
        guestComment({ thread, author: { name, email: 'guest@example.com' } }),
      );
      assert.equal(created.status, 201, await created.clone().text());
      assert.equal((await json<CreateCommentResponse>(created)).comment.author?.name, name);
      const { comments } = await readThread(thread);
      assert.equal(comments[0]?.author?.name, name);
    }
  });

  it('returns a thread title holding HTML exactly as typed, as data', async () => {
    const threadTitle = '<img src=x onerror=alert(1)>';
    const created = await t.post(guestComment({ thread: '/render/title/', threadTitle }));
    assert.equal(created.status, 201);
    assert.equal((await readThread('/render/title/')).thread.title, threadTitle);
  });

  for (const url of ["' onmouseover='alert(1)", '"><img src=x onerror=alert(1)>']) {
    it(`refuses the website ${JSON.stringify(url)}`, async () => {
      const thread = `/render/website-${url.length}/`;
      const created = await t.post(guestComment({ thread, author: { name: 'Mallory', url } }));
      assert.equal(created.status, 422);
      const problem = await json<Problem>(created);
      assert.equal(problem.code, 'validation_failed');
      assert.deepEqual(
        problem.errors?.map((e) => e.field),
        ['author.url'],
      );
      assert.equal((await readThread(thread)).comments.length, 0);
    });
  }
});
