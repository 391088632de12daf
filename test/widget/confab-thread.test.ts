import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { CreateCommentRequest, PublicComment, ThreadResponse } from '../../server/contract.js';
import type { ConfabThread } from '../../widget/elements/confab-thread.js';
import '../../widget/define.js';
import type { ConfabCommentPostedEvent, ConfabErrorEvent } from '../../widget/events.js';
import {
  type FakeFetch,
  type Handler,
  accessibleDescription,
  allByRole,
  comment,
  deepAll,
  deepText,
  deletedPlaceholder,
  fakeFetch,
  getByRole,
  json,
  networkDown,
  problem,
  routes,
  threadResponse,
  tick,
  type,
} from './helpers.js';

const later = () => new Date(Date.now() + 10 * 60_000).toISOString();

async function mount(handler: Handler, attrs: { maxDepth?: number; sort?: string } = {}) {
  const fetch = fakeFetch(handler);
  const el = await fixture<ConfabThread>(html`
    <confab-thread
      site="myblog"
      thread="/post/"
      title="Hello"
      server="https://comments.example/"
      max-depth=${attrs.maxDepth ?? 4}
      sort=${attrs.sort ?? 'oldest'}
      .fetch=${fetch}
    ></confab-thread>
  `);
  return { el, fetch };
}

/** Mounts a thread serving `data` and waits until it has rendered. */
async function loaded(data: ThreadResponse, extra: Record<string, Handler> = {}, attrs = {}) {
  const r = await mount(routes({ 'GET threads': () => json(data), ...extra }), attrs);
  await waitUntil(() => r.el.shadowRoot!.querySelector('confab-composer'), 'thread did not load');
  await settle(r.el);
  return r;
}

/** Lets pending updates and fake responses run. */
async function settle(el: Element) {
  for (let i = 0; i < 3; i++) {
    await aTimeout(0);
    for (const c of [el, ...deepAll(el.shadowRoot!)])
      await (c as Partial<ConfabThread>).updateComplete;
  }
}

const text = (el: Element) => deepText(el);
const heading = (el: Element) =>
  getByRole(el.shadowRoot!, 'heading', /comment/i).textContent.trim();
const composers = (el: Element) =>
  deepAll(el.shadowRoot!).filter((e) => e.localName === 'confab-composer');
/** The main "Leave a Reply" form (the last composer in the thread). */
const mainForm = (el: Element) => composers(el).at(-1)!.shadowRoot!;
const commentEl = (el: Element, id: string) =>
  deepAll(el.shadowRoot!).find(
    (e) =>
      e.localName === 'confab-comment' &&
      (e as unknown as { comment: PublicComment }).comment.id === id,
  )!;

function fillAndPost(
  form: ShadowRoot,
  fields: { name?: string; email?: string; url?: string; body: string },
) {
  if (fields.name !== undefined) type(getByRole(form, 'textbox', 'Name'), fields.name);
  if (fields.email !== undefined) type(getByRole(form, 'textbox', 'Email'), fields.email);
  if (fields.url !== undefined) type(getByRole(form, 'textbox', 'Website'), fields.url);
  type(getByRole(form, 'textbox', 'Comment'), fields.body);
  getByRole(form, 'button', 'Post Comment').click();
}

/** A POST /comments handler that publishes (201) the comment it gets. */
const publish =
  (status = 201, over: Partial<PublicComment> = {}): Handler =>
  (call) => {
    const req = call.json as CreateCommentRequest;
    return json(
      {
        comment: comment({
          id: 'new1',
          parentId: req.parentId ?? null,
          name: req.author!.name,
          html: `<p>${req.body}</p>`,
          createdAt: new Date().toISOString(),
          status: status === 202 ? 'pending' : 'published',
          ...over,
        }),
        editToken: 'tok-new1',
        editableUntil: later(),
      },
      status,
    );
  };

const posts = (f: FakeFetch) =>
  f.calls.filter((c) => c.method === 'POST' && c.url.pathname.endsWith('/comments'));
/** The thread's own GETs (the sign-in element asks for its providers besides). */
const reads = (f: FakeFetch) => f.calls.filter((c) => c.url.pathname.endsWith('/threads'));

describe('<confab-thread>', () => {
  beforeEach(() => {
    localStorage.clear();
  });
  afterEach(() => {
    localStorage.clear();
  });

  describe('loading', () => {
    it('shows "Loading comments…" until the thread arrives', async () => {
      let answer!: (r: Response) => void;
      const { el } = await mount(() => new Promise<Response>((r) => (answer = r)));
      expect(text(el)).to.contain('Loading comments…');
      answer(json(threadResponse([comment()])));
      await waitUntil(() => !text(el).includes('Loading comments…'));
      expect(heading(el)).to.equal('1 comment on “Hello”');
    });

    it('asks for the thread of its site, key and sort', async () => {
      const { fetch } = await loaded(threadResponse([]));
      const { url } = fetch.calls[0]!;
      expect(url.origin + url.pathname).to.equal('https://comments.example/api/v1/threads');
      expect(url.searchParams.get('site')).to.equal('myblog');
      expect(url.searchParams.get('thread')).to.equal('/post/');
      expect(url.searchParams.get('sort')).to.equal('oldest');
    });

    it('says "Be the first to comment." on an empty thread', async () => {
      const { el } = await loaded(threadResponse([]));
      expect(heading(el)).to.equal('No comments yet on “Hello”');
      expect(text(el)).to.contain('Be the first to comment.');
    });

    it('counts the comments in the heading', async () => {
      const { el } = await loaded(threadResponse([comment(), comment(), comment()]));
      expect(heading(el)).to.equal('3 comments on “Hello”');
    });

    it('shows the retry state when the server cannot be reached, and retries', async () => {
      let down = true;
      const { el, fetch } = await mount((call) =>
        down ? networkDown(call) : json(threadResponse([comment({ html: '<p>Back again</p>' })])),
      );
      await waitUntil(() => text(el).includes('Could not reach the comment server.'));
      down = false;
      getByRole(el.shadowRoot!, 'button', 'Retry').click();
      await waitUntil(() => text(el).includes('Back again'));
      expect(reads(fetch)).to.have.length(2);
    });

    it('fires confab-error when loading fails', async () => {
      const fetch = fakeFetch(() => problem(404, 'site_not_found'));
      const el = document.createElement('confab-thread');
      Object.assign(el, { site: 'nope', thread: '/x/', fetch });
      const fired = oneEvent<ConfabErrorEvent>(el, 'confab-error');
      document.body.append(el);
      try {
        const e = await fired;
        expect(e.code).to.equal('site_not_found');
        await settle(el);
        expect(text(el)).to.contain('Comments are not enabled for this page.');
      } finally {
        el.remove();
      }
    });
  });

  describe('the list', () => {
    it('renders replies nested under their parents', async () => {
      const a = comment({ id: 'a', html: '<p>Parent</p>' });
      const b = comment({ id: 'b', parentId: 'a', name: 'Bob', html: '<p>Child</p>' });
      const c = comment({ id: 'c', html: '<p>Sibling</p>' });
      const { el } = await loaded(threadResponse([a, b, c]));
      const itemOf = (id: string) => commentEl(el, id).closest('li')!;
      expect(itemOf('a').querySelector('ul')!.contains(itemOf('b'))).to.be.true;
      expect(itemOf('a').contains(itemOf('c'))).to.be.false;
      expect(itemOf('c').parentElement).to.equal(itemOf('a').parentElement);
    });

    it('stops indenting at max-depth and says whom a deeper reply answers', async () => {
      const chain = [comment({ id: 'd1', name: 'One' })];
      for (let i = 2; i <= 4; i++)
        chain.push(
          comment({
            id: `d${i}`,
            parentId: `d${i - 1}`,
            name: ['', '', 'Two', 'Three', 'Four'][i],
          }),
        );
      const { el } = await loaded(threadResponse(chain), {}, { maxDepth: 2 });
      const item = (id: string) => commentEl(el, id).closest('li')!;
      expect(item('d1').contains(item('d2'))).to.be.true;
      // d3 and d4 continue flat at depth 2, beside d2.
      expect(item('d3').parentElement).to.equal(item('d2').parentElement);
      expect(item('d4').parentElement).to.equal(item('d2').parentElement);
      expect(text(commentEl(el, 'd3'))).to.contain('in reply to Two');
      expect(text(commentEl(el, 'd4'))).to.contain('in reply to Three');
      expect(text(commentEl(el, 'd2'))).not.to.contain('in reply to');
    });

    it('shows author, avatar initials, relative time with the exact time, and a Reply button', async () => {
      const created = new Date(Date.now() - 5 * 60_000 - 5_000);
      const c = comment({
        id: 'a',
        name: 'Ada Lovelace',
        createdAt: created.toISOString(),
        editedAt: created.toISOString(),
      });
      const { el } = await loaded(threadResponse([c]));
      const root = commentEl(el, 'a').shadowRoot!;
      expect(root.querySelector('[part=author]')!.textContent.trim()).to.equal('Ada Lovelace');
      expect(root.querySelector('[part=avatar]')!.textContent.trim()).to.equal('AL');
      const time = root.querySelector('time')!;
      expect(time.textContent.trim()).to.equal(
        new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(-5, 'minute'),
      );
      expect(time.getAttribute('datetime')).to.equal(created.toISOString());
      expect(time.title).to.equal(
        new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' }).format(
          created,
        ),
      );
      expect(text(root.host)).to.contain('(edited)');
      expect(allByRole(root, 'button', 'Reply')).to.have.length(1);
    });

    it('links the author to their website with rel=nofollow ugc, but never a javascript: URL', async () => {
      const { el } = await loaded(
        threadResponse([
          comment({ id: 'a', name: 'Site', url: 'https://ada.example/' }),
          comment({ id: 'b', name: 'Evil', url: 'javascript:alert(1)' }),
        ]),
      );
      const link = getByRole(commentEl(el, 'a').shadowRoot!, 'link', 'Site');
      expect(link.getAttribute('href')).to.equal('https://ada.example/');
      expect(link.getAttribute('rel')).to.equal('nofollow ugc noopener noreferrer');
      // Its only link is its own permalink: the name is plain text.
      const links = allByRole(commentEl(el, 'b').shadowRoot!, 'link');
      expect(links.map((l) => l.getAttribute('href'))).to.deep.equal(['#comment-b']);
    });

    it('renders an author name full of markup as text', async () => {
      const name = 'Guest</a><img src=x onerror=alert(1)>';
      const { el } = await loaded(threadResponse([comment({ id: 'a', name })]));
      const root = commentEl(el, 'a').shadowRoot!;
      expect(root.querySelector('[part=author]')!.textContent).to.equal(name);
      expect(deepAll(el.shadowRoot!).some((e) => e.localName === 'img')).to.be.false;
    });

    it('shows a role badge', async () => {
      const c = comment({ id: 'a' });
      c.author!.role = 'moderator';
      const { el } = await loaded(threadResponse([c]));
      expect(commentEl(el, 'a').shadowRoot!.querySelector('[part=badge]')!.textContent).to.equal(
        'Moderator',
      );
    });

    it('shows a deleted placeholder without author or Reply, keeping its replies', async () => {
      const { el } = await loaded(
        threadResponse([
          deletedPlaceholder('gone'),
          comment({ id: 'r', parentId: 'gone', html: '<p>Still here</p>' }),
        ]),
      );
      const gone = commentEl(el, 'gone');
      expect(text(gone)).to.equal('This comment was deleted.');
      expect(allByRole(gone.shadowRoot!, 'button')).to.have.length(0);
      expect(gone.closest('li')!.contains(commentEl(el, 'r'))).to.be.true;
      expect(text(el)).to.contain('Still here');
    });

    it('loads more comments with nextCursor and appends them', async () => {
      const { el, fetch } = await mount(
        routes({
          'GET threads': (call) =>
            call.url.searchParams.get('cursor') === 'page2'
              ? json(threadResponse([comment({ id: 'p2', html: '<p>Second page</p>' })]))
              : json(
                  threadResponse([comment({ id: 'p1', html: '<p>First page</p>' })], {
                    nextCursor: 'page2',
                  }),
                ),
        }),
      );
      await waitUntil(() => text(el).includes('First page'));
      await settle(el);
      getByRole(el.shadowRoot!, 'button', 'Load more comments').click();
      await waitUntil(() => text(el).includes('Second page'));
      expect(reads(fetch)[1]!.url.searchParams.get('cursor')).to.equal('page2');
      expect(text(el)).to.contain('First page');
      expect(text(el).indexOf('First page')).to.be.lessThan(text(el).indexOf('Second page'));
      expect(allByRole(el.shadowRoot!, 'button', 'Load more comments')).to.have.length(0);
    });

    it('refetches with the chosen sort', async () => {
      const { el, fetch } = await loaded(threadResponse([comment()]));
      const select = getByRole(el.shadowRoot!, 'combobox', 'Sort comments');
      expect([...select.options].map((o) => o.textContent.trim())).to.deep.equal([
        'Oldest',
        'Newest',
        'Top',
      ]);
      select.value = 'newest';
      select.dispatchEvent(new Event('change'));
      await waitUntil(() => reads(fetch).length === 2);
      expect(reads(fetch)[1]!.url.searchParams.get('sort')).to.equal('newest');
    });
  });

  describe('posting', () => {
    it('keeps what the reader typed while the thread is re-sorted', async () => {
      const { el, fetch } = await loaded(threadResponse([comment()]));
      type(getByRole(mainForm(el), 'textbox', 'Comment'), 'Half-written thought');
      const select = getByRole(el.shadowRoot!, 'combobox', 'Sort comments');
      select.value = 'top';
      select.dispatchEvent(new Event('change'));
      await waitUntil(() => reads(fetch).length === 2);
      await settle(el);
      expect(getByRole(mainForm(el), 'textbox', 'Comment').value).to.equal('Half-written thought');
    });

    it('has a "Leave a Reply" form with labelled fields', async () => {
      const { el } = await loaded(threadResponse([]));
      const form = mainForm(el);
      expect(getByRole(form, 'heading', 'Leave a Reply')).to.exist;
      const name = getByRole(form, 'textbox', 'Name');
      expect(name.required).to.be.true;
      expect(accessibleDescription(getByRole(form, 'textbox', 'Email'))).to.equal('(never shown)');
      const website = getByRole(form, 'textbox', 'Website');
      expect(website.type).to.equal('text');
      expect(website.inputMode).to.equal('url');
      expect(accessibleDescription(getByRole(form, 'textbox', 'Comment'))).to.equal(
        'Markdown supported',
      );
      const remember = getByRole(
        form,
        'checkbox',
        'Save my name, email, and website in this browser for the next time I comment.',
      );
      expect(remember.checked).to.be.false;
      expect(getByRole(form, 'button', 'Post Comment')).to.exist;
    });

    it('posts the right JSON and shows the new comment', async () => {
      // The page's URL has a #fragment, which threadUrl must not carry.
      history.replaceState(null, '', location.pathname + location.search + '#comments');
      const { el, fetch } = await loaded(threadResponse([comment({ id: 'old' })]), {
        'POST comments': publish(),
      });
      const posted = oneEvent<ConfabCommentPostedEvent>(el, 'confab-comment-posted');
      fillAndPost(mainForm(el), {
        name: 'Grace',
        email: 'grace@example.com',
        url: 'https://grace.example',
        body: 'Hi *there*',
      });
      const event = await posted;
      await settle(el);
      expect(posts(fetch)[0]!.json).to.deep.equal({
        site: 'myblog',
        thread: '/post/',
        body: 'Hi *there*',
        author: { name: 'Grace', email: 'grace@example.com', url: 'https://grace.example' },
        threadTitle: 'Hello',
        threadUrl: location.href.split('#')[0],
        // The honeypot, empty (this server has no guard: GET guard is a 404).
        trap: '',
      });
      expect(posts(fetch)[0]!.headers.get('content-type')).to.equal('application/json');
      expect(event.comment.id).to.equal('new1');
      expect(text(commentEl(el, 'new1'))).to.contain('Hi *there*');
      expect(heading(el)).to.equal('2 comments on “Hello”');
      const form = mainForm(el);
      expect(getByRole(form, 'textbox', 'Comment').value).to.equal('');
      expect(getByRole(form, 'textbox', 'Name').value).to.equal('Grace');
      expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.equal(
        'Your comment was posted.',
      );
      expect(JSON.parse(localStorage.getItem('confab:edit:new1')!)).to.include({
        token: 'tok-new1',
        body: 'Hi *there*',
      });
      expect(localStorage.getItem('confab:guest')).to.equal(null);
      history.replaceState(null, '', location.pathname + location.search);
    });

    it('resends an unchanged draft with the same Idempotency-Key, a changed one with a new key', async () => {
      let down = true;
      const { el, fetch } = await loaded(threadResponse([]), {
        'POST comments': (call) => (down ? networkDown(call) : publish()(call)),
      });
      const form = mainForm(el);
      fillAndPost(form, { name: 'Grace', body: 'Once' });
      await waitUntil(() => text(form.host).includes('Could not reach the comment server.'));
      down = false;
      getByRole(form, 'button', 'Post Comment').click();
      await waitUntil(() => commentEl(el, 'new1'));
      const [first, second] = posts(fetch).map((c) => c.headers.get('Idempotency-Key'));
      expect(first).to.match(/^[0-9a-f-]{36}$/);
      expect(second).to.equal(first);
      await settle(el);
      fillAndPost(form, { body: 'Twice' });
      await waitUntil(() => posts(fetch).length === 3);
      expect(posts(fetch)[2]!.headers.get('Idempotency-Key'))
        .to.match(/^[0-9a-f-]{36}$/)
        .and.not.equal(first);
    });

    it('shows a replayed comment once, and keeps no edit grant when the answer has no token', async () => {
      // The first attempt is saved but its answer is lost; the retry, with the same key, is
      // answered as a replay, which never carries the edit token.
      const first = comment({ id: 'a' });
      let saved: PublicComment | undefined;
      const { el, fetch } = await loaded(threadResponse([first]), {
        'GET threads': () => json(threadResponse(saved ? [first, saved] : [first])),
        'POST comments': (call) => {
          if (saved) return json({ comment: saved, editableUntil: later(), replayed: true }, 201);
          saved = comment({ id: 'new1', name: 'Grace', html: '<p>Once</p>' });
          return networkDown(call);
        },
      });
      const form = mainForm(el);
      fillAndPost(form, { name: 'Grace', body: 'Once' });
      await waitUntil(() => text(form.host).includes('Could not reach the comment server.'));
      // A re-sort reloads the thread, which now has the comment.
      const select = getByRole(el.shadowRoot!, 'combobox', 'Sort comments');
      select.value = 'newest';
      select.dispatchEvent(new Event('change'));
      await waitUntil(() => commentEl(el, 'new1'));
      await settle(el);
      const posted = oneEvent<ConfabCommentPostedEvent>(el, 'confab-comment-posted');
      getByRole(mainForm(el), 'button', 'Post Comment').click();
      expect((await posted).comment.id).to.equal('new1');
      await settle(el);
      const [key1, key2] = posts(fetch).map((c) => c.headers.get('Idempotency-Key'));
      expect(key2).to.equal(key1);
      const shown = deepAll(el.shadowRoot!).filter(
        (e) =>
          e.localName === 'confab-comment' &&
          (e as unknown as { comment: PublicComment }).comment.id === 'new1',
      );
      expect(shown).to.have.length(1);
      expect(heading(el)).to.equal('2 comments on “Hello”');
      expect(localStorage.getItem('confab:edit:new1')).to.equal(null);
      expect(allByRole(commentEl(el, 'new1').shadowRoot!, 'button', 'Edit')).to.have.length(0);
      expect(getByRole(mainForm(el), 'textbox', 'Comment').value).to.equal('');
      expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.equal(
        'Your comment was posted.',
      );
    });

    it('shows a replayed comment it did not have yet', async () => {
      let lost = true;
      const { el } = await loaded(threadResponse([]), {
        'POST comments': (call) => {
          if (lost) {
            lost = false;
            return networkDown(call);
          }
          const saved = comment({ id: 'new1', html: '<p>Lost once</p>' });
          return json({ comment: saved, editableUntil: later(), replayed: true }, 201);
        },
      });
      const form = mainForm(el);
      fillAndPost(form, { name: 'Grace', body: 'Lost once' });
      await waitUntil(() => text(form.host).includes('Could not reach the comment server.'));
      getByRole(form, 'button', 'Post Comment').click();
      await waitUntil(() => commentEl(el, 'new1'));
      await settle(el);
      expect(text(commentEl(el, 'new1'))).to.contain('Lost once');
      expect(heading(el)).to.equal('1 comment on “Hello”');
      expect(localStorage.getItem('confab:edit:new1')).to.equal(null);
    });

    it('disables the button while posting', async () => {
      let answer!: (r: Response) => void;
      const { el } = await loaded(threadResponse([]), {
        'POST comments': () => new Promise<Response>((r) => (answer = r)),
      });
      const form = mainForm(el);
      fillAndPost(form, { name: 'Grace', body: 'Hello' });
      await settle(el);
      const button = getByRole(form, 'button', 'Posting…');
      expect(button.disabled).to.be.true;
      answer(problem(500, 'internal_error'));
      await waitUntil(() => !button.disabled);
      expect(button.textContent.trim()).to.equal('Post Comment');
    });

    it('shows a held comment to its author as awaiting moderation', async () => {
      const { el } = await loaded(threadResponse([]), { 'POST comments': publish(202) });
      fillAndPost(mainForm(el), { name: 'Grace', body: 'Held' });
      await waitUntil(() => commentEl(el, 'new1'));
      await settle(el);
      expect(text(commentEl(el, 'new1'))).to.contain('This comment is awaiting moderation.');
      expect(heading(el)).to.equal('No comments yet on “Hello”');
    });

    it('shows validation messages next to the right fields and keeps what was typed', async () => {
      const { el } = await loaded(threadResponse([]), {
        'POST comments': () =>
          problem(422, 'validation_failed', {
            errors: [
              { field: 'author.name', code: 'too_long', message: 'server words' },
              { field: 'author.url', code: 'not_a_url', message: 'server words' },
            ],
          }),
      });
      const form = mainForm(el);
      fillAndPost(form, { name: 'G'.repeat(300), url: 'https://ok.example', body: 'Keep me' });
      await waitUntil(() => form.querySelector('[aria-invalid=true]'));
      const name = getByRole(form, 'textbox', 'Name');
      expect(name.getAttribute('aria-invalid')).to.equal('true');
      await waitUntil(
        () => form.activeElement === name,
        'focus did not move to the first invalid field',
      );
      expect(accessibleDescription(name)).to.equal('This is too long.');
      const url = getByRole(form, 'textbox', 'Website');
      expect(accessibleDescription(url)).to.equal('Enter a web address like example.com.');
      expect(getByRole(form, 'textbox', 'Email').hasAttribute('aria-invalid')).to.be.false;
      // Each message sits right after its own input.
      expect(name.nextElementSibling!.textContent).to.equal('This is too long.');
      expect(getByRole(form, 'textbox', 'Comment').value).to.equal('Keep me');
      expect(name.value).to.equal('G'.repeat(300));
      expect(text(form.host)).not.to.contain('server words');
    });

    it('says when to try again after a 429', async () => {
      const { el } = await loaded(threadResponse([]), {
        'POST comments': () => problem(429, 'rate_limited', {}, { 'Retry-After': '30' }),
      });
      const form = mainForm(el);
      fillAndPost(form, { name: 'Grace', body: 'Fast' });
      await waitUntil(() => text(form.host).includes('Try again in 30 s'));
      expect(text(form.host)).to.contain("You're commenting too fast. Try again in 30 s.");
    });

    it('keeps the text and says so when the server cannot be reached', async () => {
      const { el } = await loaded(threadResponse([]), { 'POST comments': networkDown });
      const form = mainForm(el);
      const failed = oneEvent<ConfabErrorEvent>(el, 'confab-error');
      fillAndPost(form, { name: 'Grace', body: 'Do not lose me' });
      expect((await failed).code).to.equal('network');
      await waitUntil(() => text(form.host).includes('Could not reach the comment server.'));
      expect(getByRole(form, 'textbox', 'Comment').value).to.equal('Do not lose me');
    });

    it('translates other error codes', async () => {
      const { el } = await loaded(threadResponse([]), {
        'POST comments': () => problem(403, 'thread_locked'),
      });
      const form = mainForm(el);
      fillAndPost(form, { name: 'Grace', body: 'Hi' });
      await waitUntil(() => text(form.host).includes('Comments are closed.'));
    });

    it('remembers name, email and website only when asked', async () => {
      const { el } = await loaded(threadResponse([]), { 'POST comments': publish() });
      const form = mainForm(el);
      tick(getByRole(form, 'checkbox', /^Save my name/));
      fillAndPost(form, {
        name: 'Grace',
        email: 'g@example.com',
        url: 'https://g.example',
        body: 'Hi',
      });
      await waitUntil(() => localStorage.getItem('confab:guest'));
      expect(JSON.parse(localStorage.getItem('confab:guest')!)).to.deep.equal({
        name: 'Grace',
        email: 'g@example.com',
        url: 'https://g.example',
      });
      const again = await loaded(threadResponse([]));
      const form2 = mainForm(again.el);
      expect(getByRole(form2, 'textbox', 'Name').value).to.equal('Grace');
      expect(getByRole(form2, 'textbox', 'Email').value).to.equal('g@example.com');
      expect(getByRole(form2, 'checkbox', /^Save my name/).checked).to.be.true;
    });

    it('previews the comment through the allowlist, and goes back to editing', async () => {
      const { el, fetch } = await loaded(threadResponse([]), {
        'POST preview': () =>
          json({ html: '<p><strong>Bold</strong><img src=x onerror=alert(1)></p>' }),
      });
      const form = mainForm(el);
      type(getByRole(form, 'textbox', 'Comment'), '**Bold**');
      getByRole(form, 'button', 'Preview').click();
      await waitUntil(() => form.querySelector('[part=preview] strong'));
      const call = fetch.calls.find((c) => c.url.pathname.endsWith('/preview'))!;
      expect(call.json).to.deep.equal({ site: 'myblog', body: '**Bold**' });
      expect(form.querySelector('[part=preview] img')).to.equal(null);
      expect(allByRole(form, 'textbox', 'Comment')).to.have.length(0);
      getByRole(form, 'button', 'Edit').click();
      await settle(el);
      expect(getByRole(form, 'textbox', 'Comment').value).to.equal('**Bold**');
    });

    it('says when the preview is too complex to render, and keeps the text', async () => {
      const { el } = await loaded(threadResponse([]), {
        'POST preview': () => problem(422, 'too_complex'),
      });
      const form = mainForm(el);
      type(getByRole(form, 'textbox', 'Comment'), '*'.repeat(5000));
      getByRole(form, 'button', 'Preview').click();
      await waitUntil(() => text(form.host).includes('formatting is too complex'));
      expect(text(form.host)).to.contain(
        "Your comment's formatting is too complex. Please simplify it.",
      );
      expect(getByRole(form, 'textbox', 'Comment').value).to.equal('*'.repeat(5000));
    });
  });

  describe('replying', () => {
    it('opens one reply form in place, posts parentId and nests the reply', async () => {
      const { el, fetch } = await loaded(
        threadResponse([comment({ id: 'a', name: 'Ada' }), comment({ id: 'b', name: 'Bob' })]),
        { 'POST comments': publish() },
      );
      getByRole(commentEl(el, 'a').shadowRoot!, 'button', 'Reply').click();
      await settle(el);
      expect(composers(el)).to.have.length(2);
      expect(commentEl(el, 'a').contains(composers(el)[0]!)).to.be.true;
      expect(getByRole(composers(el)[0]!.shadowRoot!, 'heading').textContent).to.equal(
        'Leave a Reply to Ada',
      );
      // Opening another closes the first.
      getByRole(commentEl(el, 'b').shadowRoot!, 'button', 'Reply').click();
      await settle(el);
      expect(composers(el)).to.have.length(2);
      expect(commentEl(el, 'b').contains(composers(el)[0]!)).to.be.true;
      getByRole(composers(el)[0]!.shadowRoot!, 'button', 'Cancel reply').click();
      await settle(el);
      expect(composers(el)).to.have.length(1);

      getByRole(commentEl(el, 'a').shadowRoot!, 'button', 'Reply').click();
      await settle(el);
      fillAndPost(composers(el)[0]!.shadowRoot!, { name: 'Grace', body: 'A reply' });
      await waitUntil(() => commentEl(el, 'new1'));
      await settle(el);
      expect((posts(fetch)[0]!.json as CreateCommentRequest).parentId).to.equal('a');
      expect(commentEl(el, 'a').closest('li')!.querySelector('ul')!.contains(commentEl(el, 'new1')))
        .to.be.true;
      expect(composers(el)).to.have.length(1);
    });
  });

  it('keeps a reply being written while the reader posts at the top, newest first', async () => {
    const { el } = await loaded(
      threadResponse([comment({ id: 'a', name: 'Ada' }), comment({ id: 'b', name: 'Bob' })]),
      { 'POST comments': publish() },
      { sort: 'newest' },
    );
    getByRole(commentEl(el, 'b').shadowRoot!, 'button', 'Reply').click();
    await settle(el);
    type(getByRole(composers(el)[0]!.shadowRoot!, 'textbox', 'Comment'), 'Reply in progress');
    const main = mainForm(el);
    fillAndPost(main, { name: 'Grace', body: 'Top level' });
    await waitUntil(() => commentEl(el, 'new1'));
    await settle(el);
    // The new comment came first, moving the others down; the reply draft moved with Bob.
    const reply = composers(el)[0]!;
    expect(commentEl(el, 'b').contains(reply)).to.be.true;
    expect(getByRole(reply.shadowRoot!, 'textbox', 'Comment').value).to.equal('Reply in progress');
  });

  describe('own comments', () => {
    const grant = (id: string, until = later(), body = 'my *source*') => {
      localStorage.setItem(
        `confab:edit:${id}`,
        JSON.stringify({ token: `tok-${id}`, until, body }),
      );
    };

    it('edits with the stored token and source', async () => {
      grant('mine');
      const { el, fetch } = await loaded(
        threadResponse([comment({ id: 'mine' }), comment({ id: 'theirs' })]),
        {
          'PATCH comments/mine': (call) =>
            json({
              comment: comment({
                id: 'mine',
                html: `<p>${(call.json as { body: string }).body}</p>`,
                editedAt: new Date().toISOString(),
              }),
            }),
        },
      );
      expect(allByRole(commentEl(el, 'theirs').shadowRoot!, 'button', 'Edit')).to.have.length(0);
      getByRole(commentEl(el, 'mine').shadowRoot!, 'button', 'Edit').click();
      await settle(el);
      const form = composers(el)[0]!.shadowRoot!;
      const body = getByRole(form, 'textbox', 'Comment');
      expect(body.value).to.equal('my *source*');
      expect(allByRole(form, 'textbox', 'Name')).to.have.length(0);
      const edited = oneEvent(el, 'confab-comment-edited');
      type(body, 'changed text');
      getByRole(form, 'button', 'Save').click();
      await edited;
      await settle(el);
      const call = fetch.calls.find((c) => c.method === 'PATCH')!;
      expect(call.url.pathname).to.equal('/api/v1/comments/mine');
      expect(call.headers.get('Confab-Edit-Token')).to.equal('tok-mine');
      expect(call.json).to.deep.equal({ body: 'changed text' });
      expect(text(commentEl(el, 'mine'))).to.contain('changed text');
      expect(text(commentEl(el, 'mine'))).to.contain('(edited)');
      expect(JSON.parse(localStorage.getItem('confab:edit:mine')!)).to.include({
        body: 'changed text',
      });
    });

    it('hides Edit and Delete once the window has closed', async () => {
      grant('mine', new Date(Date.now() - 1000).toISOString());
      const { el } = await loaded(threadResponse([comment({ id: 'mine' })]));
      expect(allByRole(commentEl(el, 'mine').shadowRoot!, 'button', 'Edit')).to.have.length(0);
      expect(allByRole(commentEl(el, 'mine').shadowRoot!, 'button', 'Delete')).to.have.length(0);
    });

    it('forgets a token the server refuses, hiding Edit and Delete', async () => {
      grant('mine');
      const { el } = await loaded(threadResponse([comment({ id: 'mine' })]), {
        'PATCH comments/mine': () => problem(403, 'forbidden'),
      });
      getByRole(commentEl(el, 'mine').shadowRoot!, 'button', 'Edit').click();
      await settle(el);
      const form = composers(el)[0]!.shadowRoot!;
      getByRole(form, 'button', 'Save').click();
      await waitUntil(() => text(form.host).includes('You are not allowed to do that.'));
      expect(localStorage.getItem('confab:edit:mine')).to.equal(null);
      getByRole(form, 'button', 'Cancel').click();
      await settle(el);
      expect(allByRole(commentEl(el, 'mine').shadowRoot!, 'button', 'Edit')).to.have.length(0);
    });

    it('says when the edit window closed on the server', async () => {
      grant('mine');
      const { el } = await loaded(threadResponse([comment({ id: 'mine' })]), {
        'PATCH comments/mine': () => problem(403, 'edit_window_closed'),
      });
      getByRole(commentEl(el, 'mine').shadowRoot!, 'button', 'Edit').click();
      await settle(el);
      const form = composers(el)[0]!.shadowRoot!;
      getByRole(form, 'button', 'Save').click();
      await waitUntil(() => text(form.host).includes('The time to edit this comment has passed.'));
    });

    describe('deleting', () => {
      // The real one, put back as it was (it is the window's own property).
      const realConfirm = Object.getOwnPropertyDescriptor(window, 'confirm')!;
      afterEach(() => {
        Object.defineProperty(window, 'confirm', realConfirm);
      });

      it('deletes with the token after confirming, leaving a placeholder over replies', async () => {
        grant('mine');
        window.confirm = () => true;
        const { el, fetch } = await loaded(
          threadResponse([comment({ id: 'mine' }), comment({ id: 'r', parentId: 'mine' })]),
          { 'DELETE comments/mine': () => json({ comment: deletedPlaceholder('mine') }) },
        );
        const deleted = oneEvent(el, 'confab-comment-deleted');
        getByRole(commentEl(el, 'mine').shadowRoot!, 'button', 'Delete').click();
        await deleted;
        await settle(el);
        const call = fetch.calls.find((c) => c.method === 'DELETE')!;
        expect(call.headers.get('Confab-Edit-Token')).to.equal('tok-mine');
        expect(text(commentEl(el, 'mine'))).to.equal('This comment was deleted.');
        expect(commentEl(el, 'r')).to.exist;
        expect(localStorage.getItem('confab:edit:mine')).to.equal(null);
      });

      it('removes a comment the server dropped entirely', async () => {
        grant('mine');
        window.confirm = () => true;
        const { el } = await loaded(
          threadResponse([comment({ id: 'mine' }), comment({ id: 'other' })]),
          {
            'DELETE comments/mine': () => json({ comment: null }),
          },
        );
        getByRole(commentEl(el, 'mine').shadowRoot!, 'button', 'Delete').click();
        await waitUntil(() => !commentEl(el, 'mine'));
        expect(heading(el)).to.equal('1 comment on “Hello”');
      });

      it('drops a comment the server no longer has', async () => {
        grant('mine');
        window.confirm = () => true;
        const { el } = await loaded(threadResponse([comment({ id: 'mine' })]), {
          'DELETE comments/mine': () => problem(404, 'not_found'),
        });
        getByRole(commentEl(el, 'mine').shadowRoot!, 'button', 'Delete').click();
        await waitUntil(() => !commentEl(el, 'mine'));
        expect(text(el)).to.contain('That comment no longer exists.');
      });

      it('does nothing when the reader does not confirm', async () => {
        grant('mine');
        window.confirm = () => false;
        const { el, fetch } = await loaded(threadResponse([comment({ id: 'mine' })]));
        getByRole(commentEl(el, 'mine').shadowRoot!, 'button', 'Delete').click();
        await settle(el);
        expect(fetch.calls.filter((c) => c.method === 'DELETE')).to.have.length(0);
      });
    });
  });

  describe('accessibility', () => {
    it('is accessible with comments and the form', async () => {
      const a = comment({
        id: 'a',
        name: 'Ada Lovelace',
        html: '<p>Hello <a href="https://x.example">link</a></p>',
      });
      const b = comment({
        id: 'b',
        parentId: 'a',
        name: 'Zed',
        html: '<blockquote><p>Quote</p></blockquote>',
      });
      const { el } = await loaded(threadResponse([a, b], { nextCursor: 'more' }));
      await expect(el).to.be.accessible();
    });

    it('is accessible with a reply form open and errors shown', async () => {
      const { el } = await loaded(threadResponse([comment({ id: 'a' })]), {
        'POST comments': () =>
          problem(422, 'validation_failed', {
            errors: [{ field: 'body', code: 'required', message: '' }],
          }),
      });
      getByRole(commentEl(el, 'a').shadowRoot!, 'button', 'Reply').click();
      await settle(el);
      fillAndPost(composers(el)[0]!.shadowRoot!, { name: 'Grace', body: ' ' });
      await waitUntil(() => composers(el)[0]!.shadowRoot!.querySelector('[aria-invalid=true]'));
      await expect(el).to.be.accessible();
    });
  });
});
