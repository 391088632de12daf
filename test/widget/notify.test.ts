/**
 * "Notify me of new comments via email" under the form: the box, the choice it opens,
 * what is posted, and what the reader is told.
 */
import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { CreateCommentRequest, Session } from '../../server/contract.js';
import type { ConfabThread } from '../../widget/elements/confab-thread.js';
import '../../widget/define.js';
import {
  type FakeFetch,
  type Handler,
  comment,
  deepAll,
  fakeFetch,
  getByRole,
  json,
  problem,
  routes,
  threadResponse,
  tick,
  type,
} from './helpers.js';

const SERVER = 'https://comments.example/';
const later = () => new Date(Date.now() + 10 * 60_000).toISOString();

async function settle(el: Element) {
  for (let i = 0; i < 3; i++) {
    await aTimeout(0);
    for (const c of [el, ...deepAll(el.shadowRoot!)])
      await (c as Partial<ConfabThread>).updateComplete;
  }
}

async function mount(extra: Record<string, Handler>) {
  const fetch = fakeFetch(routes({ 'GET threads': () => json(threadResponse([])), ...extra }));
  const el = await fixture<ConfabThread>(html`
    <confab-thread
      site="myblog"
      thread="/post/"
      title="Hello"
      server=${SERVER}
      .fetch=${fetch}
    ></confab-thread>
  `);
  await waitUntil(() => el.shadowRoot!.querySelector('confab-composer'), 'thread did not load');
  await settle(el);
  return { el, fetch };
}

const form = (el: Element) =>
  deepAll(el.shadowRoot!)
    .filter((e) => e.localName === 'confab-composer')
    .at(-1)!.shadowRoot!;
const posts = (f: FakeFetch) =>
  f.calls.filter((c) => c.method === 'POST' && c.url.pathname.endsWith('/comments'));

/** Publishes what it gets, saying the notification waits for its confirmation. */
const publish: Handler = (call) => {
  const req = call.json as CreateCommentRequest;
  return json(
    {
      comment: comment({
        id: 'n1',
        name: req.author?.name ?? 'Reader alice',
        html: `<p>${req.body}</p>`,
      }),
      editToken: 'tok',
      editableUntil: later(),
      ...(req.notify ? { notify: { scope: req.notify, status: 'pending' } } : {}),
    },
    201,
  );
};

describe('"Notify me of new comments via email"', () => {
  beforeEach(() => {
    localStorage.clear();
  });
  afterEach(() => {
    localStorage.clear();
  });

  it('is under the form, unticked, and opens the choice when ticked', async () => {
    const { el } = await mount({ 'POST comments': publish });
    const box = getByRole(form(el), 'checkbox', 'Notify me of new comments via email');
    expect(box.checked).to.equal(false);
    expect(form(el).querySelector('input[type=radio]')).to.equal(null);
    tick(box);
    await settle(el);
    const all = getByRole(form(el), 'radio', 'every new comment');
    const replies = getByRole(form(el), 'radio', 'only replies to me');
    expect(all.checked).to.equal(true);
    expect(replies.checked).to.equal(false);
    expect(form(el).querySelector('fieldset legend')!.textContent).to.equal('Email me');
    // A guest's address is the Email field above: no second one.
    expect(form(el).querySelector('#notifyEmail')).to.equal(null);
  });

  it('posts the choice with the guest’s address and says to confirm by mail', async () => {
    const { el, fetch } = await mount({ 'POST comments': publish });
    const f = form(el);
    tick(getByRole(f, 'checkbox', 'Notify me of new comments via email'));
    await settle(el);
    getByRole(form(el), 'radio', 'only replies to me').click();
    type(getByRole(f, 'textbox', 'Name'), 'Grace');
    type(getByRole(f, 'textbox', 'Email'), 'grace@example.com');
    type(getByRole(f, 'textbox', 'Comment'), 'Tell me when someone answers.');
    getByRole(f, 'button', 'Post Comment').click();
    await waitUntil(() => posts(fetch).length === 1, 'not posted');
    await settle(el);
    const sent = posts(fetch)[0]!.json as CreateCommentRequest;
    expect(sent.notify).to.equal('replies');
    expect(sent.author?.email).to.equal('grace@example.com');
    expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.equal(
      'Your comment was posted. We sent you an email: open its link to confirm the notifications.',
    );
  });

  it('marks the Email field when the server asks for an address', async () => {
    const { el } = await mount({
      'POST comments': () =>
        problem(422, 'validation_failed', {
          errors: [{ field: 'author.email', code: 'required', message: 'x' }],
        }),
    });
    const f = form(el);
    tick(getByRole(f, 'checkbox', 'Notify me of new comments via email'));
    type(getByRole(f, 'textbox', 'Name'), 'Grace');
    type(getByRole(f, 'textbox', 'Comment'), 'No address given.');
    getByRole(f, 'button', 'Post Comment').click();
    await waitUntil(() => f.querySelector('#email[aria-invalid=true]'), 'Email not marked');
    expect(f.querySelector('#email-error')!.textContent).to.equal('Please fill in this field.');
  });

  it('asks a signed-in reader for an address and posts it as notifyEmail', async () => {
    const alice: Session = {
      token: 'tok-alice-0123456789',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      user: {
        id: 'u-alice',
        name: 'Reader alice',
        avatarUrl: null,
        profileUrl: null,
        provider: 'keycloak',
        role: null,
      },
    };
    localStorage.setItem(`confab:session:https://comments.example:myblog`, JSON.stringify(alice));
    const { el, fetch } = await mount({
      'POST comments': publish,
      'GET me': () => json({ user: alice.user, site: 'myblog', expiresAt: alice.expiresAt }),
      'GET /auth/providers': () => json({ providers: [] }),
    });
    await waitUntil(() => !form(el).querySelector('#name'), 'still a guest form');
    tick(getByRole(form(el), 'checkbox', 'Notify me of new comments via email'));
    await settle(el);
    type(getByRole(form(el), 'textbox', 'Email'), 'alice@example.com');
    type(getByRole(form(el), 'textbox', 'Comment'), 'Signed in, and curious.');
    getByRole(form(el), 'button', 'Post Comment').click();
    await waitUntil(() => posts(fetch).length === 1, 'not posted');
    const sent = posts(fetch)[0]!.json as CreateCommentRequest;
    expect(sent.notify).to.equal('all');
    expect(sent.notifyEmail).to.equal('alice@example.com');
    expect(sent.author).to.equal(undefined);
  });

  it('shows a signed-in reader’s verified address, masked, and posts no other', async () => {
    const bob: Session = {
      token: 'tok-bob-0123456789ab',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      user: {
        id: 'u-bob',
        name: 'Bob',
        avatarUrl: null,
        profileUrl: null,
        provider: 'email',
        role: null,
        email: 'bob@example.com',
      },
    };
    localStorage.setItem(`confab:session:https://comments.example:myblog`, JSON.stringify(bob));
    const { el, fetch } = await mount({
      'POST comments': publish,
      'GET me': () => json({ user: bob.user, site: 'myblog', expiresAt: bob.expiresAt }),
      'GET /auth/providers': () => json({ providers: [] }),
    });
    await waitUntil(() => !form(el).querySelector('#name'), 'still a guest form');
    tick(getByRole(form(el), 'checkbox', 'Notify me of new comments via email'));
    await settle(el);
    expect(form(el).querySelector('#notifyEmail')).to.equal(null);
    const shown = form(el).querySelector('fieldset p')!.textContent.replace(/\s+/g, ' ').trim();
    expect(shown).to.equal('Email: b•••@example.com');
    type(getByRole(form(el), 'textbox', 'Comment'), 'Tell me when someone answers.');
    getByRole(form(el), 'button', 'Post Comment').click();
    await waitUntil(() => posts(fetch).length === 1, 'not posted');
    const sent = posts(fetch)[0]!.json as CreateCommentRequest;
    expect(sent.notify).to.equal('all');
    expect(sent.notifyEmail).to.equal(undefined);
  });
});

describe('the thread’s feed', () => {
  it('links to the thread’s Atom feed on its server', async () => {
    const { el } = await mount({});
    const link = el.shadowRoot!.querySelector<HTMLAnchorElement>('[part=feed] a')!;
    expect(link.textContent).to.equal('Comments feed (Atom)');
    expect(link.type).to.equal('application/atom+xml');
    expect(link.href).to.equal(
      'https://comments.example/feeds/myblog/thread.atom?thread=%2Fpost%2F',
    );
  });
});
