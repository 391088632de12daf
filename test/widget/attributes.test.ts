/**
 * An attribute the widget cannot use must not break the thread: it falls back to its
 * default, and the integrator gets one warning in the console.
 */
import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ConfabThread } from '../../widget/elements/confab-thread.js';
import '../../widget/define.js';
import {
  type FakeFetch,
  type Handler,
  comment,
  deepAll,
  deepText,
  fakeFetch,
  getByRole,
  json,
  problem,
  routes,
  threadResponse,
} from './helpers.js';

const SORTS: (string | null)[] = ['oldest', 'newest', 'top'];

/** A chain of replies four deep: with the default max-depth (4), each indents under its parent. */
const chain = [
  comment({ id: 'd1', html: '<p>First</p>' }),
  comment({ id: 'd2', parentId: 'd1' }),
  comment({ id: 'd3', parentId: 'd2' }),
  comment({ id: 'd4', parentId: 'd3' }),
];

/** Refuses what the real server refuses (400 `validation_failed`): a bad sort or thread key. */
const strict: Handler = routes({
  'GET threads': (call) => {
    const sort = call.url.searchParams.get('sort');
    const key = call.url.searchParams.get('thread') ?? '';
    return SORTS.includes(sort) && key.startsWith('/')
      ? json(threadResponse(chain))
      : problem(400, 'validation_failed');
  },
  'GET counts': (call) =>
    call.url.searchParams.getAll('thread').every((key) => key.startsWith('/'))
      ? json({ counts: { [location.pathname]: 7 } })
      : problem(400, 'validation_failed'),
});

/** A `<confab-thread>` with these attributes (besides `site`), on the strict server. */
async function thread(attributes: Record<string, string>) {
  const fetch = fakeFetch(strict);
  const el = document.createElement('confab-thread');
  el.setAttribute('site', 'myblog');
  el.setAttribute('server', 'https://comments.example/');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  el.fetch = fetch;
  await fixture(html`${el}`);
  await waitUntil(() => !deepText(el).includes('Loading comments…'), 'never loaded');
  await el.updateComplete;
  return { el, fetch };
}

const commentEl = (el: ConfabThread, id: string) =>
  deepAll(el.shadowRoot!).find(
    (e) =>
      e.localName === 'confab-comment' && (e as { comment?: { id: string } }).comment?.id === id,
  )!;
const read = (fetch: FakeFetch) => fetch.calls.find((c) => c.url.pathname.endsWith('/threads'))!;

describe('attributes that cannot work', () => {
  const realWarn = Object.getOwnPropertyDescriptor(console, 'warn')!;
  let warnings: string[];
  beforeEach(() => {
    warnings = [];
    console.warn = (...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
    };
  });
  afterEach(() => {
    Object.defineProperty(console, 'warn', realWarn);
  });

  it('sort="nonsense": the thread loads, oldest first, with one warning', async () => {
    const { el, fetch } = await thread({ sort: 'nonsense' });
    expect(deepText(el)).to.contain('First');
    expect(deepText(el)).not.to.contain('Please correct the marked fields');
    expect(read(fetch).url.searchParams.get('sort')).to.equal('oldest');
    expect(el.sort).to.equal('oldest');
    expect(getByRole(el.shadowRoot!, 'combobox', 'Sort comments').value).to.equal('oldest');
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^\[confab\] <confab-thread sort="nonsense">/);
  });

  for (const depth of ['two', '0', '-1', '2.5']) {
    it(`max-depth="${depth}": replies indent as deep as by default, with one warning`, async () => {
      const { el } = await thread({ 'max-depth': depth });
      const item = (id: string) => commentEl(el, id).closest('li')!;
      expect(item('d3').contains(item('d4'))).to.be.true;
      expect(item('d1').contains(item('d2'))).to.be.true;
      expect(el.maxDepth).to.equal(4);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(
        new RegExp(`^\\[confab\\] <confab-thread max-depth="${depth}">`),
      );
    });
  }

  it('locale="not a locale": times show in the browser’s locale, with one warning', async () => {
    const { el } = await thread({ locale: 'not a locale' });
    const time = commentEl(el, 'd1').shadowRoot!.querySelector('time')!;
    expect(time.textContent.trim()).to.equal(
      new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(-5, 'minute'),
    );
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^\[confab\] <confab-thread locale="not a locale">/);
  });

  it('thread="posts/42" (not a path): the page’s own thread, with one warning', async () => {
    const { el, fetch } = await thread({ thread: 'posts/42' });
    expect(deepText(el)).to.contain('First');
    expect(read(fetch).url.searchParams.get('thread')).to.equal(location.pathname);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^\[confab\] <confab-thread thread="posts\/42">/);
  });

  for (const key of ['/a%00/', '/a%0A/', '/a%7f/', '/a#b', '/a?x=1', '/?p=1&q=2']) {
    it(`thread="${key}" (refused by the server): the page’s own thread, with one warning`, async () => {
      const { fetch } = await thread({ thread: key });
      expect(read(fetch).url.searchParams.get('thread')).to.equal(location.pathname);
      expect(warnings).to.have.length(1);
    });
  }

  for (const key of ['/2014/03/my-post/', '/?p=123', '/blog/?page_id=7', '/a%20b/']) {
    it(`thread="${key}": asked for as written`, async () => {
      const { fetch } = await thread({ thread: key });
      expect(read(fetch).url.searchParams.get('thread')).to.equal(key);
      expect(warnings).to.have.length(0);
    });
  }

  it('server="http://[": the server the script came from, with one warning', async () => {
    const fetch = fakeFetch(strict);
    const el = document.createElement('confab-thread');
    Object.assign(el, { site: 'myblog', fetch });
    el.setAttribute('server', 'http://[');
    await fixture(html`${el}`);
    await waitUntil(() => fetch.calls.length, 'nothing asked');
    // The default: the folder of the module that defines the element (here, the source).
    expect(read(fetch).url.href).to.match(
      /^https?:\/\/[^/]+\/widget\/elements\/api\/v1\/threads\?/,
    );
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^\[confab\] <confab-thread server="http:\/\/\[">/);
  });

  it('<confab-count thread="no-slash">: the page’s own count, with one warning', async () => {
    const fetch = fakeFetch(strict);
    const el = await fixture(html`
      <confab-count
        site="myblog"
        server="https://comments.example/"
        thread="no-slash"
        .fetch=${fetch}
        >Comments</confab-count
      >
    `);
    await waitUntil(() => deepText(el).includes('7 comments'), 'no count');
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^\[confab\] <confab-count thread="no-slash">/);
  });

  it('says nothing about good values, nor about empty ones (the defaults)', async () => {
    const { el } = await thread({
      sort: 'newest',
      'max-depth': '2',
      locale: 'de-DE',
      thread: '/?p=123',
      title: '',
    });
    el.setAttribute('locale', '');
    await aTimeout(0);
    await el.updateComplete;
    expect(el.sort).to.equal('newest');
    expect(el.maxDepth).to.equal(2);
    expect(el.locale).to.equal(undefined);
    expect(warnings).to.deep.equal([]);
  });
});
