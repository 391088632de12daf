import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CreateCommentResponse, Problem, ThreadResponse } from '../../server/contract.js';
import { addSite } from '../../server/services/sites/sites.js';
import { guestComment, json, ORIGIN } from './helpers.js';
import {
  beginTx,
  FetchBrowser,
  makeOwner,
  pkcePair,
  signInAtIdp,
  startInPopup,
  providerUrl,
  startRig,
  ticketIn,
  type Rig,
} from './support/sign-in-rig.js';

interface SessionAnswer {
  token: string;
  expiresAt: string;
  user: {
    id: string;
    name: string;
    provider: string;
    avatarUrl: string | null;
    role: string | null;
  };
}

describe('sign-in with an OpenID Connect provider (a real oidc-provider on loopback)', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig();
    await addSite(rig.t.deps, 'other', { origins: ['https://other.example'], rateLimit: 0 });
  });
  after(() => rig.close());

  const post = (
    path: string,
    body: unknown,
    origin: string = ORIGIN,
    token?: string,
  ): Promise<Response> =>
    rig.t.request(path, {
      method: 'POST',
      origin,
      headers: {
        'Content-Type': 'application/json',
        ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });

  /** The whole flow as the widget and the popup do it; returns the session. */
  async function signIn(login: string): Promise<SessionAnswer> {
    const { verifier, challenge } = pkcePair();
    const started = await beginTx(rig.t, 'keycloak', challenge);
    const { tx } = started;
    const browser = new FetchBrowser();
    const callback = await signInAtIdp(browser, started, login);
    const page = await browser.request(callback);
    assert.equal(page.status, 200);
    const ticket = ticketIn(await page.text());
    assert.ok(ticket);
    const res = await post('/auth/exchange', { tx, ticket, verifier });
    assert.equal(res.status, 200, await res.clone().text());
    return json<SessionAnswer>(res);
  }

  it('lists the site’s providers', async () => {
    const res = await rig.t.request('/auth/providers?site=blog');
    assert.deepEqual(await res.json(), [
      { id: 'authentik', name: 'Authentik' },
      { id: 'keycloak', name: 'Keycloak' },
    ]);
  });

  it('signs in, posts as that account, and logs out for good', async () => {
    const session = await signIn('alice');
    assert.equal(session.user.name, 'Reader alice');
    assert.equal(session.user.provider, 'keycloak');
    assert.match(session.token, /^[\w-]{43}$/);

    const me = await rig.t.request('/api/v1/me', {
      headers: { Authorization: `Bearer ${session.token}` },
    });
    assert.equal(me.status, 200);
    assert.equal((await json<{ user: { name: string } }>(me)).user.name, 'Reader alice');

    const created = await post(
      '/api/v1/comments',
      guestComment({ thread: '/signed/', author: undefined }),
      ORIGIN,
      session.token,
    );
    assert.equal(created.status, 201);
    const body = await json<CreateCommentResponse>(created);
    assert.deepEqual(body.comment.author, {
      name: 'Reader alice',
      avatarUrl: 'https://img.example/alice.png',
      provider: 'keycloak',
      role: null,
      url: null,
    });
    assert.equal(body.editToken, undefined, 'signed-in authors need no edit token');
    const thread = await json<ThreadResponse>(
      await rig.t.request('/api/v1/threads?site=blog&thread=/signed/'),
    );
    assert.equal(thread.comments[0]?.author?.provider, 'keycloak');

    // Their own comment, edited with the session.
    const edit = await rig.t.request(`/api/v1/comments/${body.comment.id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ body: 'edited' }),
    });
    assert.equal(edit.status, 200);

    const out = await post('/auth/logout', {}, ORIGIN, session.token);
    assert.equal(out.status, 204);
    const after = await rig.t.request('/api/v1/me', {
      headers: { Authorization: `Bearer ${session.token}` },
    });
    assert.equal(after.status, 401);
    const refused = await post(
      '/api/v1/comments',
      guestComment({ thread: '/signed/' }),
      ORIGIN,
      session.token,
    );
    assert.equal(refused.status, 401);
  });

  it('keys accounts by provider and subject: the same person twice is one user', async () => {
    const first = await signIn('bob');
    const second = await signIn('bob');
    assert.equal(first.user.id, second.user.id);
    assert.notEqual(first.token, second.token);
  });

  it('never links accounts across providers, even for the same person (T22)', async () => {
    const viaKeycloak = await signIn('nina');
    const { verifier, challenge } = pkcePair();
    const started = await beginTx(rig.t, 'authentik', challenge);
    const { tx } = started;
    const browser = new FetchBrowser();
    const page = await browser.request(await signInAtIdp(browser, started, 'nina'));
    const res = await post('/auth/exchange', { tx, ticket: ticketIn(await page.text()), verifier });
    const viaAuthentik = await json<SessionAnswer>(res);
    assert.equal(viaAuthentik.user.name, viaKeycloak.user.name);
    assert.notEqual(viaAuthentik.user.id, viaKeycloak.user.id);
    assert.equal(viaAuthentik.user.provider, 'authentik');
  });

  it('refuses a token from another origin or for another site (T35)', async () => {
    const { token } = await signIn('carol');
    const foreign = await rig.t.request('/api/v1/me', {
      origin: 'https://evil.example',
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(foreign.status, 401);
    const otherSite = await post(
      '/api/v1/comments',
      guestComment({ site: 'other', threadUrl: undefined }),
      'https://other.example',
      token,
    );
    assert.equal(otherSite.status, 401);
    assert.equal((await json<Problem>(otherSite)).code, 'not_signed_in');
  });

  it('lets nobody else edit a signed-in author’s comment', async () => {
    const dave = await signIn('dave');
    const erin = await signIn('erin');
    const c = await json<CreateCommentResponse>(
      await post('/api/v1/comments', guestComment({ thread: '/own/' }), ORIGIN, dave.token),
    );
    const res = await rig.t.request(`/api/v1/comments/${c.comment.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${erin.token}` },
    });
    assert.equal(res.status, 403);
    const guest = await rig.t.request(`/api/v1/comments/${c.comment.id}`, { method: 'DELETE' });
    assert.equal(guest.status, 401);
  });

  it('shows a site owner’s badge; nobody becomes owner by signing in first', async () => {
    const frank = await signIn('frank');
    assert.equal(frank.user.role, null);
    await makeOwner(rig.t, 'keycloak', 'sub-frank');
    const c = await json<CreateCommentResponse>(
      await post('/api/v1/comments', guestComment({ thread: '/owner/' }), ORIGIN, frank.token),
    );
    assert.equal(c.comment.author?.role, 'owner');
  });

  it('refuses a malformed Authorization header instead of posting as a guest', async () => {
    for (const header of ['Bearer abc', 'Basic dXNlcjpwdw==', 'bearer']) {
      const res = await rig.t.request('/api/v1/comments', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: header },
        body: JSON.stringify(guestComment({ thread: '/malformed/' })),
      });
      assert.equal(res.status, 401, header);
    }
  });

  it('takes the scheme in any case, and knows a same-origin page without an Origin header', async () => {
    const { token } = await signIn('mona');
    const lower = await rig.t.request('/api/v1/me', {
      headers: { Authorization: `bearer ${token}` },
    });
    assert.equal(lower.status, 200);
    // The demo's page is on the server's own origin: a browser sends no Origin on its GETs.
    const sameOrigin = await rig.t.request('/api/v1/me', {
      origin: null,
      headers: { Authorization: `Bearer ${token}`, 'Sec-Fetch-Site': 'same-origin' },
    });
    assert.equal(
      sameOrigin.status,
      401,
      'the session belongs to the blog origin, not the server’s',
    );
  });

  it('tells the opener when the reader refuses at the provider, and polling stops', async () => {
    const { verifier, challenge } = pkcePair();
    const started = await beginTx(rig.t, 'keycloak', challenge);
    const { tx } = started;
    const browser = new FetchBrowser();
    const step = await browser.follow(await providerUrl(browser, started), (u) =>
      u.pathname.startsWith('/interaction/'),
    );
    const back = await browser.follow(new URL(`${step.url.pathname}/abort`, step.url), (u) =>
      u.pathname.endsWith('/callback'),
    );
    assert.equal(back.url.searchParams.get('error'), 'access_denied');
    const page = await browser.request(back.url);
    assert.equal(page.status, 400);
    const html = await page.text();
    assert.ok(html.includes('confab:sign-in-failed') && html.includes(`var o="${ORIGIN}"`));
    const claim = await post('/auth/claim', { tx, verifier });
    assert.equal(claim.status, 400);
  });

  describe('attacks on the flow', () => {
    it('uses a ticket once (T34)', async () => {
      const { verifier, challenge } = pkcePair();
      const started = await beginTx(rig.t, 'keycloak', challenge);
      const { tx } = started;
      const browser = new FetchBrowser();
      const page = await browser.request(await signInAtIdp(browser, started, 'gina'));
      const ticket = ticketIn(await page.text());
      assert.equal((await post('/auth/exchange', { tx, ticket, verifier })).status, 200);
      const replay = await post('/auth/exchange', { tx, ticket, verifier });
      assert.equal(replay.status, 400);
      assert.equal((await json<Problem>(replay)).code, 'sign_in_failed');
    });

    it('refuses a ticket without the right verifier, or from another origin (T34)', async () => {
      const { verifier, challenge } = pkcePair();
      const started = await beginTx(rig.t, 'keycloak', challenge);
      const { tx } = started;
      const browser = new FetchBrowser();
      const page = await browser.request(await signInAtIdp(browser, started, 'hank'));
      const ticket = ticketIn(await page.text());
      const wrong = await post('/auth/exchange', { tx, ticket, verifier: pkcePair().verifier });
      assert.equal(wrong.status, 400);
      const foreign = await post(
        '/auth/exchange',
        { tx, ticket, verifier },
        'https://evil.example',
      );
      assert.equal(foreign.status, 403);
      // Neither attempt burnt the sign-in for its rightful owner.
      assert.equal((await post('/auth/exchange', { tx, ticket, verifier })).status, 200);
    });

    it('only registers sign-ins from the site’s origins', async () => {
      const res = await post(
        '/auth/tx',
        {
          site: 'blog',
          provider: 'keycloak',
          codeChallenge: pkcePair().challenge,
          startChallenge: pkcePair().challenge,
        },
        'https://evil.example',
      );
      assert.equal(res.status, 403);
      assert.equal((await json<Problem>(res)).code, 'origin_not_allowed');
    });

    it('refuses a callback in another browser (no transaction cookie) and a replayed state (T37)', async () => {
      const { challenge } = pkcePair();
      const started = await beginTx(rig.t, 'keycloak', challenge);
      const browser = new FetchBrowser();
      const callback = await signInAtIdp(browser, started, 'ivan');
      const stranger = new FetchBrowser();
      const elsewhere = await stranger.request(callback);
      assert.equal(elsewhere.status, 400);
      assert.match(await elsewhere.text(), /another browser/);
      assert.equal((await browser.request(callback)).status, 200);
      const replay = await browser.request(callback);
      assert.equal(replay.status, 400);
    });

    it('refuses provider A’s answer at provider B’s callback (mix-up, T38)', async () => {
      const { challenge } = pkcePair();
      const started = await beginTx(rig.t, 'keycloak', challenge);
      const browser = new FetchBrowser();
      const callback = await signInAtIdp(browser, started, 'judy');
      const swapped = new URL(callback.href.replace('/auth/keycloak/', '/auth/authentik/'));
      const res = await browser.request(swapped);
      assert.equal(res.status, 400);
      assert.match(await res.text(), /wrong provider/);
    });

    it('starts each transaction once, and never builds the redirect URI from request headers (T18)', async () => {
      const started = await beginTx(rig.t, 'keycloak', pkcePair().challenge);
      const path = new URL(started.startUrl).pathname;
      const first = await rig.t.request(path, {
        method: 'POST',
        origin: rig.publicUrl,
        headers: {
          'Content-Type': 'application/json',
          Host: 'evil.example',
          'X-Forwarded-Proto': 'https',
          'X-Forwarded-Host': 'evil.example',
        },
        body: JSON.stringify({ tx: started.tx, startKey: started.startKey }),
      });
      assert.equal(first.status, 200);
      const authorize = new URL(((await first.json()) as { redirect: string }).redirect);
      assert.equal(
        authorize.searchParams.get('redirect_uri'),
        `${rig.publicUrl}/auth/keycloak/callback`,
      );
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      assert.ok(authorize.searchParams.get('state'));
      assert.ok(authorize.searchParams.get('nonce'));
      const again = await startInPopup(new FetchBrowser(), started);
      assert.equal(again.status, 400);
    });

    it('never sends a reader to the provider under a sign-in someone else registered', async () => {
      // The attacker registers a sign-in (forging the blog's Origin from a script) and gets
      // a reader to open its start URL: without the start key, which only the registering
      // page holds and gives only to its own popup, it goes nowhere, so there is nothing
      // for the attacker to claim.
      const { verifier, challenge } = pkcePair();
      const started = await beginTx(rig.t, 'keycloak', challenge);
      const victim = new FetchBrowser();
      const page = await victim.request(started.startUrl);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.ok(
        html.includes("postMessage({type:'confab:ready',tx:t},o)") &&
          html.includes(`o="${ORIGIN}"`),
      );
      const guessed = await startInPopup(victim, started, pkcePair().verifier);
      assert.equal(guessed.status, 400);
      const fromElsewhere = await rig.t.request(new URL(started.startUrl).pathname, {
        method: 'POST',
        origin: 'https://evil.example',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ tx: started.tx, startKey: started.startKey }),
      });
      assert.equal(fromElsewhere.status, 403);
      assert.equal(victim.cookie(new URL(rig.publicUrl).host, 'confab-tx'), undefined);
      assert.equal((await post('/auth/claim', { tx: started.tx, verifier })).status, 202);
    });

    it('finishes by polling when the popup lost its opener (T33)', async () => {
      const { verifier, challenge } = pkcePair();
      const started = await beginTx(rig.t, 'keycloak', challenge);
      const { tx } = started;
      const pending = await post('/auth/claim', { tx, verifier });
      assert.equal(pending.status, 202);
      const browser = new FetchBrowser();
      await browser.request(await signInAtIdp(browser, started, 'kate'));
      const wrong = await post('/auth/claim', { tx, verifier: pkcePair().verifier });
      assert.equal(wrong.status, 400);
      const done = await post('/auth/claim', { tx, verifier });
      assert.equal(done.status, 200);
      assert.equal((await json<SessionAnswer>(done)).user.name, 'Reader kate');
      assert.equal((await post('/auth/claim', { tx, verifier })).status, 400);
    });

    it('keeps tickets and codes out of every URL; the page posts to the exact origin', async () => {
      const { challenge } = pkcePair();
      const started = await beginTx(rig.t, 'keycloak', challenge);
      const browser = new FetchBrowser();
      const callback = await signInAtIdp(browser, started, 'liam');
      const page = await browser.request(callback);
      const html = await page.text();
      const ticket = ticketIn(html) ?? '';
      assert.ok(!callback.href.includes(ticket));
      assert.ok(html.includes(`postMessage(d,o)`) && html.includes(`var o="${ORIGIN}"`));
      assert.ok(!html.includes("'*'") && !html.includes('"*"'));
      assert.match(page.headers.get('Content-Security-Policy') ?? '', /frame-ancestors 'none'/);
      assert.equal(page.headers.get('Referrer-Policy'), 'no-referrer');
    });
  });
});
