/**
 * Permalinks: every comment's time links to `#comment-<id>`; a page opened on that anchor
 * shows the comment (loading further pages when it is further back), scrolls to it,
 * highlights it and gives it focus.
 */
import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ConfabComment } from '../../widget/elements/confab-comment.js';
import type { ConfabThread } from '../../widget/elements/confab-thread.js';
import '../../widget/define.js';
import { comment, deepAll, fakeFetch, json, routes, threadResponse, type Call } from './helpers.js';

async function settle(el: Element) {
  for (let i = 0; i < 4; i++) {
    await aTimeout(0);
    for (const c of [el, ...deepAll(el.shadowRoot!)])
      await (c as Partial<ConfabThread>).updateComplete;
  }
}

const many = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => comment({ id: `c${from + i}`, name: `Reader ${from + i}` }));

/** Two pages: c0–c29, then c30–c59 and a reply r1 to c40. */
const twoPages = (call: Call) =>
  call.url.searchParams.get('cursor') === 'p2'
    ? json({
        ...threadResponse([...many(30, 30), comment({ id: 'r1', parentId: 'c40', name: 'Deep' })]),
        nextCursor: null,
      })
    : json({ ...threadResponse(many(0, 30)), nextCursor: 'p2' });

async function mount() {
  const fetch = fakeFetch(routes({ 'GET threads': twoPages }));
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

const commentEl = (el: Element, id: string) =>
  [...el.shadowRoot!.querySelectorAll<ConfabComment>('confab-comment')].find(
    (c) => c.comment?.id === id,
  );

describe('permalinks', () => {
  afterEach(() => {
    history.replaceState(null, '', location.pathname + location.search);
  });

  it('links each comment’s time to #comment-<id>', async () => {
    const { el } = await mount();
    const link = commentEl(el, 'c0')!.shadowRoot!.querySelector<HTMLAnchorElement>(
      '[part=permalink]',
    )!;
    expect(link.getAttribute('href')).to.equal('#comment-c0');
    expect(link.querySelector('time')).to.exist;
  });

  it('opens on a reply far back: loads the page that holds it, highlights, focuses and shows it', async () => {
    history.replaceState(null, '', `${location.pathname}#comment-r1`);
    const { el, fetch } = await mount();
    await waitUntil(() => commentEl(el, 'r1')?.highlighted, 'r1 not highlighted');
    expect(
      fetch.calls
        .filter((c) => c.url.pathname.endsWith('/threads'))
        .map((c) => c.url.searchParams.get('cursor')),
    ).to.deep.equal([null, 'p2']);
    const target = commentEl(el, 'r1')!;
    await waitUntil(() => target.shadowRoot!.activeElement?.localName === 'article', 'not focused');
    expect(target.hasAttribute('highlighted')).to.equal(true);
    expect(commentEl(el, 'c0')!.highlighted).to.equal(false);
    await waitUntil(() => {
      const box = target.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= innerHeight;
    }, 'not scrolled into view');
  });

  it('follows a click on another comment’s time', async () => {
    history.replaceState(null, '', `${location.pathname}#comment-c1`);
    const { el } = await mount();
    await waitUntil(() => commentEl(el, 'c1')?.highlighted, 'c1 not highlighted');
    commentEl(el, 'c5')!.shadowRoot!.querySelector<HTMLAnchorElement>('[part=permalink]')!.click();
    await waitUntil(() => commentEl(el, 'c5')?.highlighted, 'c5 not highlighted');
    expect(location.hash).to.equal('#comment-c5');
    expect(commentEl(el, 'c1')!.highlighted).to.equal(false);
  });

  it('says so when the comment is gone, and shows the thread', async () => {
    history.replaceState(null, '', `${location.pathname}#comment-gone`);
    const { el } = await mount();
    await waitUntil(
      () =>
        el.shadowRoot!.querySelector('[role=status]')!.textContent ===
        'The comment that link points to is no longer here.',
      'no note',
    );
    expect(commentEl(el, 'c59')).to.exist;
  });
});
