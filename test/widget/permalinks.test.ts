/**
 * Permalinks: every comment's time links to `#comment-<id>`; a page opened on that anchor
 * asks the server for the page that holds the comment (`around=`), scrolls to it,
 * highlights it and gives it focus; so does a change of the address; a comment the
 * reader cannot see leaves the thread as it is, with a note.
 */
import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { PublicComment } from '../../server/contract.js';
import type { ConfabComment } from '../../widget/elements/confab-comment.js';
import type { ConfabThread } from '../../widget/elements/confab-thread.js';
import '../../widget/define.js';
import { comment, deepAll, fakeFetch, json, routes, threadResponse, type Call } from './helpers.js';

/** Comment ids as the server makes them. */
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const FIRST = uuid(0);
const ROOT = uuid(500);
const DEEP = uuid(999);
const HELD = uuid(777);

const tops = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) =>
    comment({
      id: uuid(from + i),
      name: `Reader ${String(from + i)}`,
      html: `<p>${'A few lines of text. '.repeat(12)}</p>`,
    }),
  );

/** A reply chain five deep under `ROOT`, the last one `DEEP`. */
const chain = (): PublicComment[] =>
  [1, 2, 3, 4, 5].map((d) =>
    comment({
      id: d === 5 ? DEEP : uuid(900 + d),
      parentId: d === 1 ? ROOT : uuid(900 + d - 1),
      name: `Depth ${String(d)}`,
    }),
  );

/**
 * The server: the first page is 20 comments; `around=ROOT` or `around=DEEP` answers the
 * page starting at ROOT (with the chain), 20 top-level comments, then `cursor=after`.
 * Any other `around` is not found: the first page, marked.
 */
function server(call: Call) {
  const p = call.url.searchParams;
  const around = p.get('around');
  if (p.get('cursor') === 'after') return json(threadResponse(tops(600, 5)));
  if (around === ROOT || around === DEEP) {
    const [root, ...rest] = tops(500, 20);
    return json({
      ...threadResponse([root!, ...chain(), ...rest], { nextCursor: 'after' }),
      around: { id: around, found: true },
    });
  }
  const first = threadResponse(tops(0, 20), { nextCursor: 'p2' });
  return json(around ? { ...first, around: { id: around, found: false } } : first);
}

async function settle(el: Element) {
  for (let i = 0; i < 4; i++) {
    await aTimeout(0);
    for (const c of [el, ...deepAll(el.shadowRoot!)])
      await (c as Partial<ConfabThread>).updateComplete;
  }
}

async function mount(hash = '') {
  history.replaceState(null, '', location.pathname + location.search + hash);
  const fetch = fakeFetch(routes({ 'GET threads': server }));
  const el = await fixture<ConfabThread>(html`
    <confab-thread
      site="myblog"
      thread="/post/"
      server="https://comments.example/"
      .fetch=${fetch}
    ></confab-thread>
  `);
  await waitUntil(() => el.shadowRoot!.querySelector('confab-comment'), 'thread did not load');
  await settle(el);
  return { el, fetch };
}

const reads = (fetch: { calls: Call[] }) =>
  fetch.calls
    .filter((c) => c.url.pathname.endsWith('/threads'))
    .map((c) => Object.fromEntries(c.url.searchParams));

const commentEl = (el: Element, id: string) =>
  el.shadowRoot!.querySelector<ConfabComment>(`#comment-${id}`);

const highlighted = (el: Element) =>
  [...el.shadowRoot!.querySelectorAll<ConfabComment>('confab-comment[highlighted]')].map(
    (c) => c.comment?.id,
  );

const inView = (el: Element) => {
  const box = el.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= innerHeight;
};

const focused = (target: ConfabComment) =>
  target.shadowRoot!.activeElement?.localName === 'article';

const status = (el: Element) => el.shadowRoot!.querySelector('[role=status]')!.textContent;

describe('permalinks', () => {
  afterEach(async () => {
    history.replaceState(null, '', location.pathname + location.search);
    await emulateMedia({ reducedMotion: 'no-preference' });
  });

  it('links each comment’s time to #comment-<id>, the time still inside', async () => {
    const { el } = await mount();
    const target = commentEl(el, FIRST)!;
    expect(target.id).to.equal(`comment-${FIRST}`);
    const link = target.shadowRoot!.querySelector<HTMLAnchorElement>('[part=permalink]')!;
    expect(link.getAttribute('href')).to.equal(`#comment-${FIRST}`);
    const time = link.querySelector('time')!;
    expect(time.getAttribute('datetime')).to.equal(target.comment!.createdAt);
    expect(time.textContent).to.match(/minutes ago$/);
    expect(time.title).to.match(/\d{4}/);
  });

  it('opens on a deep reply far back: asks for the page around it, highlights, focuses, scrolls to it', async () => {
    const { el, fetch } = await mount(`#comment-${DEEP}`);
    expect(reads(fetch)).to.deep.equal([
      { site: 'myblog', thread: '/post/', sort: 'oldest', around: DEEP },
    ]);
    await waitUntil(() => highlighted(el).length > 0, 'nothing highlighted');
    expect(highlighted(el)).to.deep.equal([DEEP]);
    const target = commentEl(el, DEEP)!;
    await waitUntil(() => focused(target), 'not focused');
    await waitUntil(() => inView(target), 'not scrolled into view');
    expect(status(el)).to.equal('');
    await expect(el).to.be.accessible();
  });

  it('pages on from the page around the comment with its cursor', async () => {
    const { el, fetch } = await mount(`#comment-${ROOT}`);
    await waitUntil(() => highlighted(el).length > 0, 'nothing highlighted');
    const more = [...el.shadowRoot!.querySelectorAll('button')].find((b) =>
      b.textContent.includes('Load more'),
    )!;
    more.click();
    await waitUntil(() => commentEl(el, uuid(604)), 'the next page did not come');
    expect(reads(fetch).at(-1)).to.deep.equal({
      site: 'myblog',
      thread: '/post/',
      sort: 'oldest',
      cursor: 'after',
    });
    expect(highlighted(el)).to.deep.equal([ROOT]);
  });

  it('scrolls at once when the reader asks for less motion', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    const { el } = await mount(`#comment-${DEEP}`);
    await waitUntil(() => highlighted(el).length > 0, 'nothing highlighted');
    const target = commentEl(el, DEEP)!;
    await target.updateComplete;
    await waitUntil(() => focused(target), 'not focused');
    // Right after focus, with no animation frame between: already in view.
    expect(inView(target)).to.equal(true);
  });

  it('follows a change of the address to a comment not on screen', async () => {
    const { el, fetch } = await mount();
    expect(highlighted(el)).to.deep.equal([]);
    location.hash = `#comment-${DEEP}`;
    await waitUntil(() => highlighted(el).length > 0, 'nothing highlighted');
    expect(highlighted(el)).to.deep.equal([DEEP]);
    expect(reads(fetch).map((r) => r.around)).to.deep.equal([undefined, DEEP]);
    const target = commentEl(el, DEEP)!;
    await waitUntil(() => focused(target) && inView(target), 'not focused and in view');
  });

  it('follows a click on a time: the address changes, the comment is highlighted, nothing is loaded', async () => {
    const { el, fetch } = await mount(`#comment-${uuid(3)}`);
    await waitUntil(() => highlighted(el).length > 0, 'nothing highlighted');
    // Only the thread's own reads: live updates open their stream meanwhile.
    const before = reads(fetch).length;
    const target = commentEl(el, uuid(7))!;
    target.shadowRoot!.querySelector<HTMLAnchorElement>('[part=permalink]')!.click();
    expect(location.hash).to.equal(`#comment-${uuid(7)}`);
    await waitUntil(() => highlighted(el)[0] === uuid(7), 'not highlighted');
    expect(highlighted(el)).to.deep.equal([uuid(7)]);
    await waitUntil(() => focused(target), 'not focused');
    expect(reads(fetch).length).to.equal(before);
  });

  it('says so when the comment is not there, and shows the thread', async () => {
    const gone = uuid(404);
    const { el, fetch } = await mount(`#comment-${gone}`);
    expect(reads(fetch)[0]?.around).to.equal(gone);
    await waitUntil(
      () => status(el) === 'The comment that link points to is no longer here.',
      'no note',
    );
    expect(commentEl(el, FIRST)).to.exist;
    expect(highlighted(el)).to.deep.equal([]);
    expect(el.shadowRoot!.querySelector('[part=error]')!.textContent).to.equal('');
  });

  it('finds a guest’s own held comment that only their browser keeps', async () => {
    const held = comment({ id: HELD, status: 'pending', name: 'Me' });
    localStorage.setItem('confab:held:myblog:/post/', JSON.stringify([held]));
    try {
      const { el } = await mount(`#comment-${HELD}`);
      await waitUntil(() => highlighted(el).length > 0, 'nothing highlighted');
      expect(highlighted(el)).to.deep.equal([HELD]);
      expect(status(el)).to.equal('');
    } finally {
      localStorage.removeItem('confab:held:myblog:/post/');
    }
  });

  it('leaves other fragments to the page', async () => {
    for (const hash of ['#comments', '#comment-42', '#comment-not-a-uuid']) {
      const { el, fetch } = await mount(hash);
      expect(
        reads(fetch).map((r) => r.around),
        hash,
      ).to.deep.equal([undefined]);
      expect(status(el), hash).to.equal('');
    }
  });
});
