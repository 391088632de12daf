/**
 * Smoke test of the built bundle (dist/widget/confab.js, from `npm run build:widget`),
 * which is what pages load: minified, with its chunks beside it. It must have been built
 * first (`npm test` does); its size is `npm run size`'s business, not a test's.
 */
import { expect, waitUntil } from '@open-wc/testing';
import {
  comment,
  deepAll,
  deepText,
  fakeFetch,
  getByRole,
  json,
  routes,
  threadResponse,
  type,
} from './helpers.js';

const BUNDLE = new URL('/dist/widget/confab.js', location.origin).href;

describe('the built bundle', () => {
  before(async () => {
    const found = await fetch(BUNDLE, { method: 'HEAD' }).then(
      (r) => r.ok,
      () => false,
    );
    if (!found) throw new Error('dist/widget/confab.js is missing: run `npm run build:widget`');
    await import(/* @vite-ignore */ BUNDLE);
  });

  it('registers the elements, twice without complaint', async () => {
    await import(/* @vite-ignore */ `${BUNDLE}?again`);
    for (const tag of ['confab-thread', 'confab-comment', 'confab-composer', 'confab-count']) {
      expect(customElements.get(tag), tag).to.exist;
    }
  });

  it('renders and posts to the server next to the script', async () => {
    const f = fakeFetch(
      routes({
        'GET /dist/widget/auth/providers': () => json([{ id: 'github', name: 'GitHub' }]),
        'GET threads': () =>
          json(threadResponse([comment({ id: 'a', html: '<p>From the bundle</p>' })])),
        'POST comments': () =>
          json(
            {
              comment: comment({ id: 'b', html: '<p>Posted</p>' }),
              editableUntil: new Date().toISOString(),
            },
            201,
          ),
      }),
    );
    const el = Object.assign(document.createElement('confab-thread'), { site: 'blog', fetch: f });
    document.body.append(el);
    try {
      await waitUntil(() => deepText(el).includes('From the bundle'));
      expect(f.calls[0]!.url.href).to.match(/^https?:\/\/[^/]+\/dist\/widget\/api\/v1\/threads\?/);
      expect(f.calls[0]!.url.searchParams.get('thread')).to.equal(location.pathname);
      const form = deepAll(el.shadowRoot!).find(
        (e) => e.localName === 'confab-composer',
      )!.shadowRoot!;
      type(getByRole(form, 'textbox', 'Name'), 'Grace');
      type(getByRole(form, 'textbox', 'Comment'), 'Hi');
      getByRole(form, 'button', 'Post Comment').click();
      await waitUntil(() => deepText(el).includes('Posted'));
      // The built styles apply.
      const avatar = deepAll(el.shadowRoot!).find((e) => e.getAttribute('part') === 'avatar')!;
      expect(getComputedStyle(avatar).borderRadius).to.equal('50%');
      // The chunks, loaded next to the bundle, share its Lit and its strings.
      await waitUntil(() => deepText(el).includes('Please log in using one of these methods'));
      const signIn = el.shadowRoot!.querySelector('confab-sign-in')!.shadowRoot!;
      expect(getByRole(signIn, 'button', 'GitHub')).to.exist;
      await waitUntil(() =>
        ['/confab-live-', '/confab-reactions-'].every((name) =>
          performance.getEntriesByType('resource').some((r) => r.name.includes(name)),
        ),
      );
      const chunks = performance
        .getEntriesByType('resource')
        .map((r) => new URL(r.name).pathname)
        .filter((p) => p.startsWith('/dist/widget/confab-'));
      // The sign-in chunk (with the strings it shares with other chunks), live updates and
      // the reader's votes and likes once the thread was on screen, and the guest's spam
      // guard, loaded when they started writing; not the moderator tools, nor the code that
      // edits one's own comments.
      const names = chunks.map(
        (p) => /^\/dist\/widget\/confab-([a-z-]+)-[a-z0-9]{8}\.js$/.exec(p)?.[1],
      );
      expect(names.sort()).to.deep.equal([
        'guard',
        'live',
        'reactions',
        'sign-in',
        'strings-later',
      ]);
    } finally {
      el.remove();
    }
  });
});
