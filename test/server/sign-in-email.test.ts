/**
 * "Email me a sign-in link", against the app on a real port and a real SMTP server: the
 * popup's page asks for an address, the mail (parsed) carries a link and a code that each
 * work once, for 15 minutes, for that sign-in only; the link only in the browser that
 * asked. Then verified addresses: captured from a real OpenID Provider when it says
 * `email_verified`, and "Notify me" to one's own verified address active at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ParsedMail } from 'mailparser';
import type {
  CreateCommentResponse,
  EmailSignInSent,
  MeResponse,
  Problem,
  Session,
} from '../../server/contract.js';
import type { ReaderExport } from '../../server/services/data/reader-data.js';
import { flushNotifications } from '../../server/services/notify/runner.js';
import { emailSubject } from '../../server/services/sign-in/email.js';
import { findAllUsers } from '../../server/store/users.js';
import { guestComment, json, makeTestApp, type TestApp } from './helpers.js';
import { signedIn } from './support/accounts.js';
import {
  beginTx,
  FetchBrowser,
  pkcePair,
  providerUrl,
  serveApp,
  signInAtIdp,
  startRig,
  ticketIn,
  type ServedApp,
  type Tx,
} from './support/sign-in-rig.js';
import { startInbox, type Inbox } from './support/smtp.js';

const MINUTE = 60_000;

/** One reader's sign-in as the widget and its popup make it, up to the popup's own page. */
interface Popup {
  tx: Tx;
  verifier: string;
  browser: FetchBrowser;
  state: string;
  /** Where this reader's requests come from (a trusted proxy says so): its own limits. */
  ip: string;
}

let ips = 0;
const nextIp = (): string => `198.51.100.${String(++ips)}`;

describe('the emailed sign-in link', () => {
  let inbox: Inbox;
  let served: ServedApp;
  let t: TestApp;
  let publicUrl: string;
  let own: string;

  before(async () => {
    inbox = await startInbox();
    served = await serveApp(() => ({
      CONFAB_SMTP_URL: inbox.url,
      CONFAB_TRUST_PROXY: '127.0.0.1',
    }));
    t = served.t;
    publicUrl = served.publicUrl;
    own = new URL(publicUrl).origin;
  });
  after(async () => {
    await served.close();
    await inbox.stop();
  });

  async function openPopup(browser = new FetchBrowser()): Promise<Popup> {
    const { verifier, challenge } = pkcePair();
    const tx = await beginTx(t, 'email', challenge);
    const authorize = await providerUrl(browser, tx);
    assert.equal(authorize.pathname, '/auth/email/authorize');
    const page = await browser.request(authorize);
    assert.equal(page.status, 200, await page.clone().text());
    assert.match(await page.text(), /Email address/);
    return {
      tx,
      verifier,
      browser,
      state: authorize.searchParams.get('state') ?? '',
      ip: nextIp(),
    };
  }

  function popupPost(popup: Popup, path: string, body: unknown, origin = own): Promise<Response> {
    return popup.browser.request(`${publicUrl}${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Origin: origin,
        'Sec-Fetch-Site': origin === own ? 'same-origin' : 'cross-site',
        'X-Forwarded-For': popup.ip,
      },
      body: JSON.stringify(body),
    });
  }

  const ask = (popup: Popup, email: string, name?: string): Promise<Response> =>
    popupPost(popup, '/auth/email/request', { state: popup.state, email, name });

  const typeCode = (popup: Popup, code: string, name?: string): Promise<Response> =>
    popupPost(popup, '/auth/email/code', { state: popup.state, code, name });

  /** The link and the code of a sign-in mail. */
  function contents(mail: ParsedMail): { link: string; code: string } {
    const text = mail.text ?? '';
    const link = /https?:\/\/\S+\/auth\/email\/link\?t=[\w-]+/.exec(text)?.[0];
    const code = /\b(\d{3}) (\d{3})\b/.exec(text);
    assert.ok(link && code, `a link and a code in:\n${text}`);
    return { link, code: `${code[1] ?? ''}${code[2] ?? ''}` };
  }

  /** Asks for a mail and reads it from the SMTP server. */
  async function mailFor(popup: Popup, email: string, name?: string) {
    const to = email.toLowerCase();
    const before = inbox.to(to).length;
    const res = await ask(popup, email, name);
    assert.equal(res.status, 202, await res.clone().text());
    const mail = await inbox.waitFor(to, before + 1);
    return { answer: await json<EmailSignInSent>(res), mail, ...contents(mail) };
  }

  /** The link's button, pressed in `browser` (with `name` in the form when given). */
  function press(browser: FetchBrowser, link: string, name?: string): Promise<Response> {
    return browser.request(link, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'null',
        'Sec-Fetch-Site': 'same-origin',
      },
      body: new URLSearchParams(name === undefined ? {} : { name }).toString(),
    });
  }

  const exchange = (popup: Popup, ticket: string | undefined): Promise<Response> =>
    t.request('/auth/exchange', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ tx: popup.tx.tx, ticket, verifier: popup.verifier }),
    });

  const claim = (popup: Popup): Promise<Response> =>
    t.request('/auth/claim', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ tx: popup.tx.tx, verifier: popup.verifier }),
    });

  /** A whole sign-in by the link; returns the session. */
  async function signInByLink(email: string, name?: string): Promise<Session> {
    const popup = await openPopup();
    const { link } = await mailFor(popup, email, name);
    const done = await press(popup.browser, link);
    assert.equal(done.status, 200, await done.clone().text());
    const res = await exchange(popup, ticketIn(await done.text()));
    assert.equal(res.status, 200, await res.clone().text());
    return json<Session>(res);
  }

  it('is offered with a mail server, as "Email me a sign-in link"', async () => {
    const res = await t.request('/auth/providers?site=blog');
    assert.deepEqual(await res.json(), [{ id: 'email', name: 'Email me a sign-in link' }]);
  });

  it('mails a link whose page has a button; pressing it in the asking browser signs in that sign-in', async () => {
    const popup = await openPopup();
    const { answer, mail, link } = await mailFor(popup, 'Ada@Example.com', 'Ada Lovelace');
    assert.equal(answer.sentTo, 'a•••@example.com');
    assert.equal(mail.subject, 'Sign in to comment on blog');
    assert.equal(mail.headers.get('list-unsubscribe'), undefined, 'not a list: nothing to stop');
    assert.match(mail.html || '', /Sign in to blog/);

    // A mail scanner (or the reader) opening the link changes nothing.
    const scanner = await new FetchBrowser().request(link);
    assert.equal(scanner.status, 200);
    assert.match(await scanner.text(), /only in the browser where you asked/);
    const view = await popup.browser.request(link);
    const html = await view.text();
    assert.match(html, /Sign in to comment on blog as a•••@example\.com/);
    assert.match(html, /<form method="post">/);
    assert.doesNotMatch(html, /name="name"/, 'a name came with the request');
    assert.match(view.headers.get('Content-Security-Policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(view.headers.get('Referrer-Policy'), 'no-referrer');
    assert.equal((await claim(popup)).status, 202, 'still pending after the GETs');

    const done = await press(popup.browser, link);
    assert.equal(done.status, 200);
    const page = await done.text();
    assert.match(page, /You are signed in/);
    assert.match(page, /BroadcastChannel\('confab-email-sign-in'\)/);
    const session = await json<Session>(await exchange(popup, ticketIn(page)));
    assert.equal(session.user.provider, 'email');
    assert.equal(session.user.name, 'Ada Lovelace');
    assert.equal(session.user.email, 'ada@example.com');
    assert.equal(session.user.avatarUrl, null);

    const me = await json<MeResponse>(
      await t.request('/api/v1/me', { headers: { Authorization: `Bearer ${session.token}` } }),
    );
    assert.equal(me.user.email, 'ada@example.com');
    const users = await findAllUsers(t.deps.db);
    const ada = users.find((u) => u.id === session.user.id);
    assert.equal(ada?.subject, emailSubject(t.deps.secret, 'ada@example.com'));
    assert.ok(!ada.subject.includes('ada'), 'the subject is never the address');
    assert.equal(ada.email, 'ada@example.com');
    assert.equal(ada.email_verified_at, t.deps.now().toISOString());

    // Used: the same link is refused with a clear page, and nobody gets a second session.
    const again = await press(popup.browser, link);
    assert.equal(again.status, 410);
    assert.match(await again.text(), /This one was used or is too old/);
    assert.equal((await claim(popup)).status, 400);

    // The same address again is the same account, its name kept.
    const second = await signInByLink('ada@example.com');
    assert.equal(second.user.id, session.user.id);
    assert.equal(second.user.name, 'Ada Lovelace');
  });

  it('lets the widget claim the sign-in the link finished, without the popup’s message', async () => {
    const popup = await openPopup();
    const { link } = await mailFor(popup, 'claimer@example.com', 'Claimer');
    assert.equal((await press(popup.browser, link)).status, 200);
    const res = await claim(popup);
    assert.equal(res.status, 200);
    assert.equal((await json<Session>(res)).user.email, 'claimer@example.com');
  });

  it('signs in with the code typed into the popup that asked, for a mail read elsewhere', async () => {
    const popup = await openPopup();
    const { code, link } = await mailFor(popup, 'phone@example.com', 'Pat');
    const wrong = await typeCode(popup, code === '000000' ? '000001' : '000000');
    assert.equal(wrong.status, 400);
    assert.equal((await json<Problem>(wrong)).detail, 'Wrong code: 4 tries left.');
    const stranger = await popupPost(
      { ...popup, browser: new FetchBrowser() },
      '/auth/email/code',
      { state: popup.state, code },
    );
    assert.equal(stranger.status, 400, 'the popup’s state alone is not enough: its cookie is');
    const right = await typeCode(popup, `${code.slice(0, 3)} ${code.slice(3)}`);
    assert.equal(right.status, 200, await right.clone().text());
    const answer = await json<{ tx: string; ticket: string }>(right);
    assert.equal(answer.tx, popup.tx.tx);
    const session = await json<Session>(await exchange(popup, answer.ticket));
    assert.equal(session.user.email, 'phone@example.com');
    assert.equal((await typeCode(popup, code)).status, 400, 'the sign-in is over');
    assert.equal((await press(popup.browser, link)).status, 410, 'the link went with the code');
  });

  it('stops taking codes after five wrong ones', async () => {
    const popup = await openPopup();
    const { code } = await mailFor(popup, 'guesser@example.com', 'Guess');
    const wrong = code === '111111' ? '222222' : '111111';
    for (let i = 0; i < 5; i++) assert.equal((await typeCode(popup, wrong)).status, 400);
    const late = await typeCode(popup, code);
    assert.equal(late.status, 400);
    assert.match((await json<Problem>(late)).detail ?? '', /Too many wrong codes/);
  });

  it('asks a new address for a name before it signs in, and only the address’s owner sees that', async () => {
    const popup = await openPopup();
    const { answer, link } = await mailFor(popup, 'newcomer@example.com');
    const known = await openPopup();
    const knownAnswer = await mailFor(known, 'ada@example.com');
    assert.deepEqual(
      Object.keys(answer).sort(),
      Object.keys(knownAnswer.answer).sort(),
      'the same answer whether or not the address has an account',
    );
    assert.equal(knownAnswer.mail.subject, 'Sign in to comment on blog');

    const page = await (await popup.browser.request(link)).text();
    assert.match(page, /name="name" required/);
    const nameless = await press(popup.browser, link);
    assert.equal(nameless.status, 422);
    assert.match(await nameless.text(), /Choose the name shown with your comments/);
    const bidi = await press(popup.browser, link, 'Eve\u202Egro');
    assert.equal(bidi.status, 422);
    const done = await press(popup.browser, link, 'Newcomer');
    assert.equal(done.status, 200);
    const session = await json<Session>(await exchange(popup, ticketIn(await done.text())));
    assert.equal(session.user.name, 'Newcomer');

    // By code: a right code without a name is answered with the field to fill in.
    const byCode = await openPopup();
    const mailed = await mailFor(byCode, 'another@example.com');
    const first = await typeCode(byCode, mailed.code);
    assert.equal(first.status, 422);
    assert.equal((await json<Problem>(first)).errors?.[0]?.field, 'name');
    const second = await typeCode(byCode, mailed.code, 'Another');
    assert.equal(second.status, 200);
  });

  it('refuses a link or a code after 15 minutes', async () => {
    const popup = await openPopup();
    const { link, code } = await mailFor(popup, 'slow@example.com', 'Slow');
    t.advance(15 * MINUTE + 1000);
    const view = await popup.browser.request(link);
    assert.equal(view.status, 410);
    assert.match(await view.text(), /work once, for 15 minutes/);
    assert.equal((await press(popup.browser, link)).status, 410);
    const late = await typeCode(popup, code);
    assert.equal(late.status, 410);
    assert.equal((await json<Problem>(late)).code, 'link_expired');
  });

  it('signs nobody in with the link opened in another browser, or with another sign-in’s link', async () => {
    const popup = await openPopup();
    const { link } = await mailFor(popup, 'two@example.com', 'Two');
    const elsewhere = new FetchBrowser();
    const pressed = await press(elsewhere, link);
    assert.equal(pressed.status, 403);
    assert.match(await pressed.text(), /Type the code from the email/);
    assert.equal((await claim(popup)).status, 202, 'nobody was signed in');

    // The same browser starts a second sign-in: the first one's link no longer fits it.
    const second = await openPopup(popup.browser);
    const mailed = await mailFor(second, 'two@example.com', 'Two');
    assert.equal((await press(popup.browser, link)).status, 403);
    assert.equal((await claim(popup)).status, 202);
    assert.equal((await press(second.browser, mailed.link)).status, 200);

    // Within one sign-in, a new mail replaces the link before it.
    const third = await openPopup();
    const old = await mailFor(third, 'three@example.com', 'Three');
    const fresh = await mailFor(third, 'three@example.com', 'Three');
    const replaced = await press(third.browser, old.link);
    assert.equal(replaced.status, 403);
    assert.match(await replaced.text(), /newest sign-in email/);
    assert.equal((await typeCode(third, old.code)).status, 400);
    assert.equal((await press(third.browser, fresh.link)).status, 200);

    const madeUp = await press(third.browser, `${publicUrl}/auth/email/link?t=${'x'.repeat(43)}`);
    assert.equal(madeUp.status, 403);
    const asJson = await third.browser.request(`${publicUrl}/auth/email/link?t=nope`, {
      headers: { Accept: 'application/json' },
    });
    assert.equal(asJson.headers.get('Content-Type'), 'application/problem+json');
    assert.equal((await json<Problem>(asJson)).code, 'invalid_link');
  });

  it('takes the forms only from its own pages', async () => {
    const popup = await openPopup();
    const foreign = await popupPost(
      popup,
      '/auth/email/request',
      { state: popup.state, email: 'x@example.com' },
      'https://evil.example',
    );
    assert.equal(foreign.status, 403);
    assert.equal((await json<Problem>(foreign)).code, 'origin_not_allowed');
    const { link } = await mailFor(popup, 'forms@example.com', 'Forms');
    const crossSite = await popup.browser.request(link, {
      method: 'POST',
      headers: { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' },
    });
    assert.equal(crossSite.status, 403);
    assert.equal((await claim(popup)).status, 202);
    const noCookie = await popupPost(
      { ...popup, browser: new FetchBrowser() },
      '/auth/email/request',
      {
        state: popup.state,
        email: 'x@example.com',
      },
    );
    assert.equal(noCookie.status, 400);
    assert.equal((await json<Problem>(noCookie)).code, 'sign_in_failed');
  });

  it('refuses bad addresses and names as problem+json before anything is mailed', async () => {
    const popup = await openPopup();
    const sent = inbox.mails.length;
    const cases: [string, string][] = [
      ['a@b.example\r\nBcc: x@y.example', 'invalid'],
      [`${'a'.repeat(250)}@example.com`, 'too_long'],
      ['no-at-sign.example.com', 'invalid'],
      ['a@b.example, c@d.example', 'invalid'],
      ['', 'required'],
    ];
    for (const [email, code] of cases) {
      const res = await ask(popup, email);
      assert.equal(res.status, 422, email);
      assert.equal(res.headers.get('Content-Type'), 'application/problem+json');
      const problem = await json<Problem>(res);
      assert.equal(problem.code, 'validation_failed');
      assert.deepEqual(
        problem.errors?.map((e) => [e.field, e.code]),
        [['email', code]],
      );
    }
    const name = await ask(popup, 'fine@example.com', 'Zero\u200Bwidth');
    assert.equal(name.status, 422);
    assert.equal((await json<Problem>(name)).errors?.[0]?.field, 'name');
    const code = await typeCode(popup, '12345x');
    assert.equal(code.status, 422);
    assert.equal(inbox.mails.length, sent, 'nothing was mailed');
  });

  it('limits mails per address and per client, saying when to try again', async () => {
    const popup = await openPopup();
    for (let i = 0; i < 5; i++) assert.equal((await ask(popup, 'flooded@example.com')).status, 202);
    const sixth = await ask(popup, 'flooded@example.com');
    assert.equal(sixth.status, 429);
    assert.equal((await json<Problem>(sixth)).code, 'rate_limited');
    assert.ok(Number(sixth.headers.get('Retry-After')) > 0);
    // Another client cannot flood that mailbox either.
    const other = await openPopup();
    assert.equal((await ask(other, 'flooded@example.com')).status, 429);

    const client = await openPopup();
    for (let i = 0; i < 10; i++) {
      assert.equal((await ask(client, `many-${String(i)}@example.com`)).status, 202);
    }
    assert.equal((await ask(client, 'one-more@example.com')).status, 429);
    assert.equal((await ask(await openPopup(), 'one-more@example.com')).status, 202);
    t.advance(60 * MINUTE);
    assert.equal((await ask(await openPopup(), 'flooded@example.com')).status, 202, 'an hour on');
  });

  describe('a verified address subscribes at once', () => {
    let session: Session;
    const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

    before(async () => {
      session = await signInByLink('reader@example.com', 'Reader');
    });

    const comment = (thread: string, extra: Record<string, unknown>, token = session.token) =>
      t.post(guestComment({ thread, author: undefined, ...extra }), { headers: auth(token) });

    async function confirmsTo(address: string): Promise<number> {
      await flushNotifications(t.deps);
      return inbox.to(address).filter((m) => (m.subject ?? '').startsWith('Confirm')).length;
    }

    it('with no typed address, or the same one, is active at once: no confirmation mail', async () => {
      const res = await comment('/notify-at-once/', { notify: 'replies' });
      assert.equal(res.status, 201, await res.clone().text());
      assert.deepEqual((await json<CreateCommentResponse>(res)).notify, {
        scope: 'replies',
        status: 'active',
      });
      const same = await comment('/notify-same/', {
        notify: true,
        notifyEmail: 'Reader@Example.com',
      });
      assert.deepEqual((await json<CreateCommentResponse>(same)).notify, {
        scope: 'all',
        status: 'active',
      });
      assert.equal(await confirmsTo('reader@example.com'), 0);

      // And it works: a new comment there is mailed to the reader.
      const before = inbox.to('reader@example.com').length;
      assert.equal((await t.post(guestComment({ thread: '/notify-same/' }))).status, 201);
      await flushNotifications(t.deps);
      const mail = await inbox.waitFor('reader@example.com', before + 1);
      assert.match(mail.subject ?? '', /New comment on/);
    });

    it('with another typed address still goes through double opt-in', async () => {
      const res = await comment('/notify-other/', {
        notify: true,
        notifyEmail: 'work@example.com',
      });
      assert.deepEqual((await json<CreateCommentResponse>(res)).notify, {
        scope: 'all',
        status: 'pending',
      });
      assert.equal(await confirmsTo('work@example.com'), 1);
    });

    it('never for a guest naming that address, nor an account without one', async () => {
      const guest = await t.post(
        guestComment({
          thread: '/notify-guest/',
          author: { name: 'Mallory', email: 'reader@example.com' },
          notify: true,
        }),
      );
      assert.equal((await json<CreateCommentResponse>(guest)).notify?.status, 'pending');
      const plain = await signedIn(t, { name: 'Plain' });
      const res = await comment('/notify-plain/', { notify: true }, plain.token);
      assert.equal(res.status, 422);
      assert.equal((await json<Problem>(res)).errors?.[0]?.code, 'required');
    });

    it('is part of the reader’s data export', async () => {
      const res = await t.request('/api/v1/me/export?site=blog', { headers: auth(session.token) });
      assert.equal(res.status, 200);
      assert.equal((await json<ReaderExport>(res)).account.email, 'reader@example.com');
    });
  });
});

describe('offering the emailed sign-in', () => {
  it('not without a mail server, and never when switched off', async () => {
    const plain = await makeTestApp();
    const off = await makeTestApp({
      env: { CONFAB_SMTP_URL: 'smtp://127.0.0.1:1', CONFAB_EMAIL_SIGN_IN: 'off' },
    });
    try {
      for (const t of [plain, off]) {
        assert.deepEqual(await (await t.request('/auth/providers?site=blog')).json(), []);
        const { challenge } = pkcePair();
        await assert.rejects(beginTx(t, 'email', challenge), /404/);
      }
    } finally {
      await plain.close();
      await off.close();
    }
    await assert.rejects(
      makeTestApp({ env: { CONFAB_EMAIL_SIGN_IN: 'maybe' } }),
      /CONFAB_EMAIL_SIGN_IN/,
    );
  });
});

describe('verified addresses from an OpenID provider', () => {
  it('keeps the address only when the provider says email_verified', async () => {
    const rig = await startRig();
    try {
      const signIn = async (login: string): Promise<Session> => {
        const { verifier, challenge } = pkcePair();
        const started = await beginTx(rig.t, 'keycloak', challenge);
        const browser = new FetchBrowser();
        const page = await browser.request(await signInAtIdp(browser, started, login));
        const res = await rig.t.request('/auth/exchange', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ tx: started.tx, ticket: ticketIn(await page.text()), verifier }),
        });
        assert.equal(res.status, 200, await res.clone().text());
        return json<Session>(res);
      };
      const verified = await signIn('grace');
      assert.equal(verified.user.email, 'grace@idp.example');
      const unverified = await signIn('unverified-hal');
      assert.equal(unverified.user.email, null);
      const users = await findAllUsers(rig.t.deps.db);
      const grace = users.find((u) => u.id === verified.user.id);
      assert.equal(grace?.subject, 'sub-grace', 'still keyed by the provider’s subject');
      assert.ok(grace.email_verified_at !== null);
      // Subscribing with it is at once, as for the emailed sign-in.
      const res = await rig.t.post(
        guestComment({ thread: '/oidc-notify/', author: undefined, notify: true }),
        {
          headers: { Authorization: `Bearer ${verified.token}` },
        },
      );
      assert.equal((await json<CreateCommentResponse>(res)).notify?.status, 'active');
    } finally {
      await rig.close();
    }
  });
});
