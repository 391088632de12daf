import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { CreateCommentRequest, Session } from '../../server/contract.js';
import { ApiClient } from '../../widget/api/client.js';
import type { ConfabSignIn } from '../../widget/elements/confab-sign-in.js';
import type { ConfabThread } from '../../widget/elements/confab-thread.js';
import '../../widget/define.js';
import type { ConfabSignedInEvent } from '../../widget/events.js';
import {
  type Call,
  type FakeFetch,
  type Handler,
  allByRole,
  comment,
  deepAll,
  deepText,
  fakeFetch,
  getByRole,
  json,
  problem,
  routes,
  threadResponse,
  tick,
  type,
} from './helpers.js';

const SERVER = 'https://comments.example';
const STORED = `confab:session:${SERVER}:myblog`;
const later = (ms = 10 * 60_000) => new Date(Date.now() + ms).toISOString();

const PROVIDERS = [
  { id: 'github', name: 'GitHub' },
  { id: 'keycloak', name: 'Keycloak' },
  { id: 'demo', name: 'Demo (this server only)' },
];

const alice: Session = {
  token: 'tok-alice-0123456789',
  expiresAt: later(30 * 86_400_000),
  user: {
    id: 'u-alice',
    name: 'Reader alice',
    avatarUrl: 'https://img.example/alice.png',
    profileUrl: null,
    provider: 'keycloak',
    role: null,
  },
};

/** A window as far as the sign-in uses one: it records where it is sent and whether it closed. */
interface FakePopup {
  closed: boolean;
  location: { href: string };
  /** What the widget posted to the popup, with the target origin. */
  posted: [unknown, string][];
  close(): void;
  postMessage(data: unknown, targetOrigin: string): void;
}

const fakePopup = (): FakePopup => ({
  closed: false,
  location: { href: '' },
  posted: [],
  close() {
    this.closed = true;
  },
  postMessage(data, targetOrigin) {
    this.posted.push([data, targetOrigin]);
  },
});

/** A message to this window, as if posted by `source` from `origin`. */
function message(data: unknown, origin: string, source: unknown) {
  const e = new MessageEvent('message', { data, origin });
  // A synthetic MessageEvent takes only real windows as its source.
  Object.defineProperty(e, 'source', { value: source });
  window.dispatchEvent(e);
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

async function s256(verifier: string) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The sign-in server's routes, on top of a thread; `extra` overrides any of them. */
function server(extra: Record<string, Handler> = {}): Handler {
  return routes({
    'GET threads': () => json(threadResponse([])),
    'GET /auth/providers': () => json(PROVIDERS),
    'POST /auth/tx': () =>
      json(
        { tx: 'TX1', startUrl: `${SERVER}/auth/keycloak/start?tx=TX1`, expiresAt: later() },
        201,
      ),
    'POST /auth/exchange': () => json(alice),
    'POST /auth/claim': () => json({ pending: true }, 202),
    'POST /auth/logout': () => new Response(null, { status: 204 }),
    'GET me': () => json({ user: alice.user, site: 'myblog', expiresAt: alice.expiresAt }),
    ...extra,
  });
}

/** Mounts a thread on `handler` and waits for its sign-in element to have loaded. */
async function mount(handler: Handler = server()) {
  const fetch = fakeFetch(handler);
  const el = await fixture<ConfabThread>(html`
    <confab-thread
      site="myblog"
      thread="/post/"
      title="Hello"
      server="${SERVER}/"
      .fetch=${fetch}
    ></confab-thread>
  `);
  await waitUntil(
    () => customElements.get('confab-sign-in') && signIn(el)?.hasUpdated,
    'the sign-in element did not load',
  );
  await waitUntil(
    () => fetch.calls.some((c) => c.url.pathname === '/auth/providers'),
    'no providers asked for',
  );
  await settle(el);
  const popup = fakePopup();
  const opened: unknown[][] = [];
  Object.assign(signIn(el)!, {
    openPopup: (...args: unknown[]) => {
      opened.push(args);
      return popup;
    },
    pollInterval: 60_000,
  });
  return { el, fetch, popup, opened };
}

const signIn = (el: ConfabThread) => el.shadowRoot!.querySelector('confab-sign-in');
const root = (el: ConfabThread) => signIn(el)!.shadowRoot!;
const mainForm = (el: Element) =>
  deepAll(el.shadowRoot!)
    .filter((e) => e.localName === 'confab-composer')
    .at(-1)!.shadowRoot!;
const callsTo = (f: FakeFetch, method: string, path: string) =>
  f.calls.filter((c) => c.method === method && c.url.pathname === path);

/** Lets pending updates and fake responses run. */
async function settle(el: Element) {
  for (let i = 0; i < 3; i++) {
    await aTimeout(0);
    for (const c of [el, ...deepAll(el.shadowRoot!)])
      await (c as Partial<ConfabThread>).updateComplete;
  }
}

/** Clicks a provider, then answers as its popup does; resolves to the transaction's calls. */
async function signInWithMessage(
  el: ConfabThread,
  fetch: FakeFetch,
  popup: FakePopup,
  label = 'Keycloak',
) {
  getByRole(root(el), 'button', label).click();
  await waitUntil(() => popup.location.href, 'the popup was not sent anywhere');
  message({ type: 'confab:signed-in', tx: 'TX1', ticket: 'TICKET1' }, SERVER, popup);
  await waitUntil(() => deepText(el).includes('You are commenting using'), 'not signed in');
  await settle(el);
  return { tx: callsTo(fetch, 'POST', '/auth/tx')[0]! };
}

/** No verifier, ticket or token in any URL requested or opened. */
function expectNoSecretsInUrls(fetch: FakeFetch, popup: FakePopup, secrets: string[]) {
  for (const url of [...fetch.calls.map((c: Call) => c.url.href), popup.location.href])
    for (const secret of secrets) expect(url).not.to.contain(secret);
}

describe('<confab-sign-in>', () => {
  beforeEach(() => {
    localStorage.clear();
  });
  afterEach(() => {
    localStorage.clear();
  });

  describe('signed out', () => {
    it('shows a button per provider from /auth/providers, and the guest form as before', async () => {
      const { el, fetch } = await mount();
      const call = callsTo(fetch, 'GET', '/auth/providers')[0]!;
      expect(call.url.origin).to.equal(SERVER);
      expect(call.url.searchParams.get('site')).to.equal('myblog');
      expect(call.headers.get('Authorization')).to.equal(null);
      const r = root(el);
      expect(deepText(signIn(el)!)).to.contain('Please log in using one of these methods');
      for (const p of PROVIDERS) expect(getByRole(r, 'button', p.name)).to.exist;
      expect(getByRole(r, 'button', 'Comment as a guest')).to.exist;
      expect(getByRole(r, 'checkbox', 'Stay signed in').checked).to.be.false;
      const form = mainForm(el);
      for (const name of ['Name', 'Email', 'Website', 'Comment'])
        expect(getByRole(form, 'textbox', name)).to.exist;
      // Above the form.
      expect(signIn(el)!.nextElementSibling!.localName).to.equal('confab-composer');
    });

    it('shows nothing when the server offers no sign-in', async () => {
      const { el } = await mount(server({ 'GET /auth/providers': () => json([]) }));
      expect(root(el).children).to.have.length(0);
      expect(deepText(el)).not.to.contain('Please log in');
      expect(getByRole(mainForm(el), 'textbox', 'Name')).to.exist;
    });

    it('shows nothing when the server has no sign-in at all', async () => {
      const { el } = await mount(
        server({ 'GET /auth/providers': () => problem(404, 'not_found') }),
      );
      expect(root(el).children).to.have.length(0);
    });

    it('takes the reader to the Name field for "Comment as a guest"', async () => {
      const { el } = await mount();
      getByRole(root(el), 'button', 'Comment as a guest').click();
      expect(mainForm(el).activeElement).to.equal(getByRole(mainForm(el), 'textbox', 'Name'));
    });

    it('puts the sign-in buttons forward when the site takes no guests', async () => {
      const { el } = await mount(
        server({ 'POST comments': () => problem(403, 'guests_not_allowed') }),
      );
      const form = mainForm(el);
      type(getByRole(form, 'textbox', 'Name'), 'Grace');
      type(getByRole(form, 'textbox', 'Comment'), 'Hello');
      getByRole(form, 'button', 'Post Comment').click();
      await waitUntil(() => deepText(el).includes('Only signed-in readers can comment here.'));
      await settle(el);
      expect(allByRole(root(el), 'button', 'Comment as a guest')).to.have.length(0);
      expect(root(el).querySelector('[part=base]')!.classList.contains('required')).to.be.true;
      const button = getByRole(root(el), 'button', 'GitHub');
      expect(getComputedStyle(button).backgroundColor).not.to.equal('rgba(0, 0, 0, 0)');
      expect(getByRole(form, 'textbox', 'Comment').value).to.equal('Hello');
    });

    it('is accessible', async () => {
      const { el } = await mount();
      await expect(signIn(el)).to.be.accessible();
    });
  });

  describe('signing in', () => {
    it('opens the popup in the click, and takes only its own message', async () => {
      const { el, fetch, popup, opened } = await mount();
      const signedIn = oneEvent<ConfabSignedInEvent>(el, 'confab-signed-in');
      getByRole(root(el), 'button', 'Keycloak').click();
      // Synchronously, or popup blockers would refuse it; and not noopener.
      expect(opened).to.deep.equal([['', 'confab-sign-in', 'popup,width=520,height=680']]);

      await waitUntil(() => popup.location.href);
      const [tx] = callsTo(fetch, 'POST', '/auth/tx');
      expect(tx!.url.href).to.equal(`${SERVER}/auth/tx`);
      const { site, provider, codeChallenge } = tx!.json as Record<string, string>;
      expect({ site, provider }).to.deep.equal({ site: 'myblog', provider: 'keycloak' });
      expect(codeChallenge).to.match(/^[\w-]{43}$/);
      expect(popup.location.href).to.equal(`${SERVER}/auth/keycloak/start?tx=TX1`);

      const good = { type: 'confab:signed-in', tx: 'TX1', ticket: 'TICKET1' };
      message(good, 'https://evil.example', popup);
      message(good, 'https://comments.example.evil.example', popup);
      message(good, SERVER, fakePopup());
      message(good, SERVER, window);
      message({ ...good, tx: 'TX2' }, SERVER, popup);
      message({ ...good, tx: ['TX1'] }, SERVER, popup);
      message({ ...good, ticket: 42 }, SERVER, popup);
      message({ ...good, type: 'something-else' }, SERVER, popup);
      message('confab:signed-in TX1 TICKET1', SERVER, popup);
      message(null, SERVER, popup);
      await aTimeout(50);
      expect(callsTo(fetch, 'POST', '/auth/exchange')).to.have.length(0);
      expect(deepText(el)).not.to.contain('You are commenting');

      message(good, SERVER, popup);
      message(good, SERVER, popup);
      await waitUntil(() =>
        deepText(el).includes('You are commenting using your Keycloak account'),
      );
      const exchanges = callsTo(fetch, 'POST', '/auth/exchange');
      expect(exchanges).to.have.length(1);
      const body = exchanges[0]!.json as Record<string, string>;
      expect(body.tx).to.equal('TX1');
      expect(body.ticket).to.equal('TICKET1');
      expect(body.verifier).to.match(/^[\w-]{43}$/);
      expect(await s256(body.verifier!)).to.equal(codeChallenge);
      expect(callsTo(fetch, 'POST', '/auth/claim')).to.have.length(0);

      const e = await signedIn;
      expect(e.user.name).to.equal('Reader alice');
      expect(e.token).to.equal(alice.token);
      expect(popup.closed).to.be.true;
      expectNoSecretsInUrls(fetch, popup, [body.verifier!, 'TICKET1', alice.token]);
      // Not kept without "Stay signed in".
      expect(localStorage.getItem(STORED)).to.equal(null);
    });

    it('hands the start key only to its own popup, at the server’s origin, when it is ready', async () => {
      const { el, fetch, popup } = await mount();
      getByRole(root(el), 'button', 'Keycloak').click();
      await waitUntil(() => popup.location.href);
      const [tx] = callsTo(fetch, 'POST', '/auth/tx');
      const { startChallenge } = tx!.json as Record<string, string>;
      expect(startChallenge).to.match(/^[\w-]{43}$/);
      const ready = { type: 'confab:ready', tx: 'TX1' };
      message(ready, 'https://evil.example', popup);
      message(ready, SERVER, fakePopup());
      message({ ...ready, tx: 'TX2' }, SERVER, popup);
      await aTimeout(20);
      expect(popup.posted).to.have.length(0);
      message(ready, SERVER, popup);
      expect(popup.posted).to.have.length(1);
      const [data, target] = popup.posted[0]!;
      expect(target).to.equal(SERVER);
      const sent = data as Record<string, string>;
      expect(sent.type).to.equal('confab:start');
      expect(sent.tx).to.equal('TX1');
      expect(await s256(sent.startKey!)).to.equal(startChallenge);
    });

    it('then shows who the reader is, without the guest fields, and posts as them', async () => {
      const { el, fetch, popup } = await mount(
        server({
          'POST comments': (call) => {
            const req = call.json as CreateCommentRequest;
            return json(
              {
                comment: comment({
                  id: 'mine',
                  name: 'Reader alice',
                  html: `<p>${req.body}</p>`,
                  createdAt: new Date().toISOString(),
                }),
                editableUntil: later(),
              },
              201,
            );
          },
          'PATCH comments/mine': () =>
            json({ comment: comment({ id: 'mine', html: '<p>Edited</p>' }) }),
        }),
      );
      await signInWithMessage(el, fetch, popup);
      const text = deepText(signIn(el)!);
      expect(text).to.contain('Reader alice');
      expect(text).to.contain('You are commenting using your Keycloak account');
      const img = root(el).querySelector('img[part=avatar]')!;
      expect(img.getAttribute('src')).to.equal('https://img.example/alice.png');
      expect(getByRole(root(el), 'button', 'Log Out')).to.exist;
      expect(getByRole(root(el), 'button', 'Change')).to.exist;
      expect(allByRole(root(el), 'button', 'Keycloak')).to.have.length(0);

      const form = mainForm(el);
      for (const name of ['Name', 'Email', 'Website'])
        expect(allByRole(form, 'textbox', name), name).to.have.length(0);
      expect(allByRole(form, 'checkbox', /^Save my name/)).to.have.length(0);
      type(getByRole(form, 'textbox', 'Comment'), 'Signed in now');
      getByRole(form, 'button', 'Post Comment').click();
      await waitUntil(() => deepText(el).includes('Signed in now'));
      const [post] = callsTo(fetch, 'POST', '/api/v1/comments');
      expect(post!.headers.get('Authorization')).to.equal(`Bearer ${alice.token}`);
      expect(post!.json).not.to.have.property('author');
      expect((post!.json as CreateCommentRequest).body).to.equal('Signed in now');

      // Their own comment: Edit, with the session instead of an edit token.
      await settle(el);
      const mine = deepAll(el.shadowRoot!).find((e) => e.localName === 'confab-comment')!;
      getByRole(mine.shadowRoot!, 'button', 'Edit').click();
      await settle(el);
      const editor = mine.querySelector('confab-composer')!.shadowRoot!;
      expect(getByRole(editor, 'textbox', 'Comment').value).to.equal('Signed in now');
      type(getByRole(editor, 'textbox', 'Comment'), 'Edited');
      getByRole(editor, 'button', 'Save').click();
      await waitUntil(() => callsTo(fetch, 'PATCH', '/api/v1/comments/mine').length);
      const [patch] = callsTo(fetch, 'PATCH', '/api/v1/comments/mine');
      expect(patch!.headers.get('Authorization')).to.equal(`Bearer ${alice.token}`);
      expect(patch!.headers.get('Confab-Edit-Token')).to.equal(null);
      // The thread read before signing in was anonymous; signed in, it reloads with the
      // session (which shows the reader their own comments awaiting moderation).
      const reads = callsTo(fetch, 'GET', '/api/v1/threads');
      expect(reads[0]!.headers.get('Authorization')).to.equal(null);
      expect(reads.at(-1)!.headers.get('Authorization')).to.equal(`Bearer ${alice.token}`);
      // Signed out, the session's own comments offer no Edit that could not work.
      await waitUntil(() => deepText(el).includes('Edited'));
      await settle(el);
      expect(getByRole(mine.shadowRoot!, 'button', 'Edit')).to.exist;
      getByRole(root(el), 'button', 'Log Out').click();
      await settle(el);
      expect(allByRole(mine.shadowRoot!, 'button', 'Edit')).to.have.length(0);
    });

    it('signs in by polling when no message comes', async () => {
      let claims = 0;
      const { el, fetch, popup } = await mount(
        server({
          'POST /auth/claim': () => (++claims < 2 ? json({ pending: true }, 202) : json(alice)),
        }),
      );
      signIn(el)!.pollInterval = 20;
      getByRole(root(el), 'button', 'GitHub').click();
      await waitUntil(() =>
        deepText(el).includes('You are commenting using your Keycloak account'),
      );
      const calls = callsTo(fetch, 'POST', '/auth/claim');
      expect(calls).to.have.length(2);
      const { verifier, tx } = calls[0]!.json as Record<string, string>;
      expect(tx).to.equal('TX1');
      const { codeChallenge } = callsTo(fetch, 'POST', '/auth/tx')[0]!.json as Record<
        string,
        string
      >;
      expect(await s256(verifier!)).to.equal(codeChallenge);
      expect(callsTo(fetch, 'POST', '/auth/exchange')).to.have.length(0);
      await aTimeout(80);
      expect(callsTo(fetch, 'POST', '/auth/claim')).to.have.length(2);
      expectNoSecretsInUrls(fetch, popup, [verifier!, alice.token]);
    });

    it('says so when the popup reports a failure', async () => {
      const { el, fetch, popup } = await mount();
      getByRole(root(el), 'button', 'Keycloak').click();
      await waitUntil(() => popup.location.href);
      message({ type: 'confab:sign-in-failed', tx: 'TX1', code: 'denied' }, SERVER, popup);
      await waitUntil(() => deepText(el).includes('Sign-in failed. Please try again.'));
      expect(callsTo(fetch, 'POST', '/auth/exchange')).to.have.length(0);
      expect(getByRole(root(el), 'button', 'Keycloak')).to.exist;
    });

    it('says so when the claim is refused', async () => {
      const { el } = await mount(
        server({ 'POST /auth/claim': () => problem(400, 'sign_in_failed') }),
      );
      signIn(el)!.pollInterval = 10;
      getByRole(root(el), 'button', 'Keycloak').click();
      await waitUntil(() => deepText(el).includes('Sign-in failed. Please try again.'));
    });

    it('says so when the popup was blocked, and registers nothing', async () => {
      const { el, fetch } = await mount();
      signIn(el)!.openPopup = () => null;
      getByRole(root(el), 'button', 'Keycloak').click();
      await settle(el);
      expect(deepText(el)).to.contain('Sign-in failed. Please try again.');
      expect(callsTo(fetch, 'POST', '/auth/tx')).to.have.length(0);
    });

    it('stops waiting a few seconds after the reader closed the popup', async function () {
      this.timeout(10_000);
      // The reader is back on this page (a popup cut loose by COOP looks closed too).
      Object.defineProperty(document, 'hasFocus', { value: () => true, configurable: true });
      try {
        const { el, fetch, popup } = await mount();
        signIn(el)!.pollInterval = 500;
        getByRole(root(el), 'button', 'Keycloak').click();
        await waitUntil(() => popup.location.href);
        popup.close();
        await aTimeout(6000);
        const claims = callsTo(fetch, 'POST', '/auth/claim').length;
        expect(claims).to.be.within(5, 10);
        await aTimeout(1000);
        expect(callsTo(fetch, 'POST', '/auth/claim')).to.have.length(claims);
        expect(deepText(el)).not.to.contain('Sign-in failed');
      } finally {
        Reflect.deleteProperty(document, 'hasFocus');
      }
    });

    it('stops listening when it leaves the page', async () => {
      const { el, fetch, popup } = await mount();
      getByRole(root(el), 'button', 'Keycloak').click();
      await waitUntil(() => popup.location.href);
      el.remove();
      message({ type: 'confab:signed-in', tx: 'TX1', ticket: 'TICKET1' }, SERVER, popup);
      await aTimeout(50);
      expect(callsTo(fetch, 'POST', '/auth/exchange')).to.have.length(0);
    });

    it('is accessible when signed in', async () => {
      const { el, fetch, popup } = await mount();
      await signInWithMessage(el, fetch, popup);
      await expect(signIn(el)).to.be.accessible();
    });
  });

  describe('the session', () => {
    it('is kept with "Stay signed in", and a new element restores it through /me', async () => {
      const first = await mount();
      tick(getByRole(root(first.el), 'checkbox', 'Stay signed in'));
      await signInWithMessage(first.el, first.fetch, first.popup);
      const stored = JSON.parse(localStorage.getItem(STORED)!) as Session;
      expect(stored.token).to.equal(alice.token);
      expect(stored.user.name).to.equal('Reader alice');
      first.el.remove();

      const { el, fetch } = await mount();
      await waitUntil(() =>
        deepText(el).includes('You are commenting using your Keycloak account'),
      );
      const [me] = callsTo(fetch, 'GET', '/api/v1/me');
      expect(me!.headers.get('Authorization')).to.equal(`Bearer ${alice.token}`);
      expect(me!.url.searchParams.get('site')).to.equal('myblog');
      expect(me!.url.href).not.to.contain(alice.token);
      await settle(el);
      expect(allByRole(mainForm(el), 'textbox', 'Name')).to.have.length(0);
    });

    it('drops a stored token that /me refuses', async () => {
      localStorage.setItem(STORED, JSON.stringify(alice));
      const { el, fetch } = await mount(server({ 'GET me': () => problem(401, 'not_signed_in') }));
      expect(callsTo(fetch, 'GET', '/api/v1/me')).to.have.length(1);
      expect(localStorage.getItem(STORED)).to.equal(null);
      expect(getByRole(root(el), 'button', 'Keycloak')).to.exist;
      expect(getByRole(mainForm(el), 'textbox', 'Name')).to.exist;
    });

    it('Log Out ends the session on the server and shows the buttons again', async () => {
      const { el, fetch, popup } = await mount();
      tick(getByRole(root(el), 'checkbox', 'Stay signed in'));
      await signInWithMessage(el, fetch, popup);
      const signedOut = oneEvent(el, 'confab-signed-out');
      getByRole(root(el), 'button', 'Log Out').click();
      await signedOut;
      await waitUntil(() => callsTo(fetch, 'POST', '/auth/logout').length);
      const [logout] = callsTo(fetch, 'POST', '/auth/logout');
      expect(logout!.headers.get('Authorization')).to.equal(`Bearer ${alice.token}`);
      await settle(el);
      expect(getByRole(root(el), 'button', 'Keycloak')).to.exist;
      expect(deepText(el)).not.to.contain('You are commenting');
      expect(localStorage.getItem(STORED)).to.equal(null);
      expect(getByRole(mainForm(el), 'textbox', 'Name')).to.exist;
      // Posting is a guest's again.
      type(getByRole(mainForm(el), 'textbox', 'Name'), 'Grace');
      type(getByRole(mainForm(el), 'textbox', 'Comment'), 'As a guest');
      getByRole(mainForm(el), 'button', 'Post Comment').click();
      await waitUntil(() => callsTo(fetch, 'POST', '/api/v1/comments').length);
      const [post] = callsTo(fetch, 'POST', '/api/v1/comments');
      expect(post!.headers.get('Authorization')).to.equal(null);
      expect((post!.json as CreateCommentRequest).author?.name).to.equal('Grace');
    });

    it('Change logs out and offers the providers', async () => {
      const { el, fetch, popup } = await mount();
      await signInWithMessage(el, fetch, popup);
      getByRole(root(el), 'button', 'Change').click();
      await settle(el);
      expect(callsTo(fetch, 'POST', '/auth/logout')).to.have.length(1);
      expect(getByRole(root(el), 'button', 'GitHub')).to.exist;
    });

    it('ends when the server no longer takes the token, keeping what the reader wrote', async () => {
      const { el, fetch, popup } = await mount(
        server({ 'POST comments': () => problem(401, 'not_signed_in') }),
      );
      tick(getByRole(root(el), 'checkbox', 'Stay signed in'));
      await signInWithMessage(el, fetch, popup);
      type(getByRole(mainForm(el), 'textbox', 'Comment'), 'Do not lose me');
      getByRole(mainForm(el), 'button', 'Post Comment').click();
      await waitUntil(() => allByRole(root(el), 'button', 'Keycloak').length, 'still signed in');
      await settle(el);
      expect(getByRole(mainForm(el), 'textbox', 'Comment').value).to.equal('Do not lose me');
      expect(getByRole(mainForm(el), 'textbox', 'Name')).to.exist;
      expect(deepText(el)).to.contain('You were signed out. Please log in again.');
      expect(localStorage.getItem(STORED)).to.equal(null);
    });
  });

  describe('on its own: told by properties, reporting with events', () => {
    /** A sign-in box outside any thread, with the client a thread would give it. */
    async function alone(handler: Handler = server()) {
      await import('../../widget/elements/confab-sign-in.js');
      const fetch = fakeFetch(handler);
      const client = new ApiClient(`${SERVER}/`, fetch);
      const el = await fixture<ConfabSignIn>(
        html`<confab-sign-in .client=${client} site="myblog"></confab-sign-in>`,
      );
      await waitUntil(() => allByRole(el.shadowRoot!, 'button').length, 'no buttons');
      return { el, fetch };
    }

    it('says "Comment as a guest" with confab-guest-chosen, which reaches the page', async () => {
      const { el } = await alone();
      const chosen = oneEvent(document, 'confab-guest-chosen');
      getByRole(el.shadowRoot!, 'button', 'Comment as a guest').click();
      expect((await chosen).composed).to.be.true;
    });

    it('ends its session when told the server refused its token, and not another one', async () => {
      localStorage.setItem(STORED, JSON.stringify(alice));
      const { el } = await alone();
      await waitUntil(() =>
        deepText(el).includes('You are commenting using your Keycloak account'),
      );
      el.refusedToken = 'tok-someone-else';
      await el.updateComplete;
      expect(deepText(el)).to.contain('You are commenting using your Keycloak account');
      const signedOut = oneEvent(el, 'confab-signed-out');
      el.refusedToken = alice.token;
      await signedOut;
      await el.updateComplete;
      expect(getByRole(el.shadowRoot!, 'button', 'Keycloak')).to.exist;
      expect(localStorage.getItem(STORED)).to.equal(null);
    });
  });
});
