/**
 * The blog widget's part of moderation and spam defences: locked threads, the honeypot and
 * the guest spam guard (form token, minimum fill time, ALTCHA proof of work), the errors a
 * reader can meet, held comments that survive a reload, moderators' tools and pins.
 */
import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import { createChallenge, verifySolution } from 'altcha-lib/v1';
import type {
  CreateCommentRequest,
  GuardResponse,
  ModActionRequest,
  PublicComment,
  Session,
  ThreadResponse,
} from '../../server/contract.js';
import type { ConfabThread } from '../../widget/elements/confab-thread.js';
import '../../widget/define.js';
import {
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
  type,
} from './helpers.js';

const SERVER = 'https://comments.example';
const later = (ms = 10 * 60_000) => new Date(Date.now() + ms).toISOString();
const HMAC = 'test-hmac-key';

async function mount(handler: Handler) {
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
  await waitUntil(() => !deepText(el).includes('Loading comments…'), 'thread did not load');
  await settle(el);
  return { el, fetch };
}

/** Lets pending updates and fake responses run. */
async function settle(el: Element) {
  for (let i = 0; i < 3; i++) {
    await aTimeout(0);
    for (const c of [el, ...deepAll(el.shadowRoot!)])
      await (c as Partial<ConfabThread>).updateComplete;
  }
}

const composers = (el: Element) =>
  deepAll(el.shadowRoot!).filter((e) => e.localName === 'confab-composer');
/** The main "Leave a Reply" form. */
const mainForm = (el: Element) => composers(el).at(-1)!.shadowRoot!;
const commentEl = (el: Element, id: string) =>
  deepAll(el.shadowRoot!).find(
    (e) =>
      e.localName === 'confab-comment' &&
      (e as unknown as { comment: PublicComment }).comment.id === id,
  );
const posts = (f: FakeFetch) =>
  f.calls.filter((c) => c.method === 'POST' && c.url.pathname.endsWith('/comments'));
const guards = (f: FakeFetch) => f.calls.filter((c) => c.url.pathname === '/api/v1/guard');
const actions = (f: FakeFetch) =>
  f.calls.filter((c) => c.url.pathname === '/api/v1/moderation/actions');
const ids = (el: Element) =>
  deepAll(el.shadowRoot!)
    .filter((e) => e.localName === 'confab-comment')
    .map((e) => (e as unknown as { comment: PublicComment }).comment.id);

/** A guest fills in the main form (focusing it first, as a reader does) and sends it. */
function write(form: ShadowRoot, body: string) {
  const textarea = getByRole(form, 'textbox', 'Comment');
  textarea.focus();
  type(getByRole(form, 'textbox', 'Name'), 'Grace');
  type(textarea, body);
}
function send(form: ShadowRoot) {
  getByRole(form, 'button', 'Post Comment').click();
}

/** A POST /comments handler that answers with the comment it got, published or held. */
const publish =
  (status = 201): Handler =>
  (call) => {
    const req = call.json as CreateCommentRequest;
    return json(
      {
        comment: comment({
          id: 'new1',
          parentId: req.parentId ?? null,
          name: req.author?.name ?? 'Signed',
          html: `<p>${req.body}</p>`,
          createdAt: new Date().toISOString(),
          status: status === 202 ? 'pending' : 'published',
        }),
        editToken: 'tok-new1',
        editableUntil: later(),
      },
      status,
    );
  };

/** A guard answer with a real (tiny) ALTCHA challenge. */
async function guard(formToken: string, minFillSeconds = 0): Promise<GuardResponse> {
  const c = await createChallenge({ hmacKey: HMAC, maxnumber: 200 });
  return {
    formToken,
    notBefore: later(minFillSeconds * 1000),
    minFillSeconds,
    proofOfWork: {
      algorithm: 'SHA-256',
      challenge: c.challenge,
      salt: c.salt,
      maxnumber: 200,
      signature: c.signature,
    },
  };
}

describe('moderation and spam defences in the widget', () => {
  beforeEach(() => {
    localStorage.clear();
  });
  afterEach(() => {
    localStorage.clear();
  });

  describe('a locked thread', () => {
    it('says "Comments are closed." instead of the form, and offers no Reply', async () => {
      const data = threadResponse([comment({ id: 'a' })], { thread: { locked: true } });
      const { el } = await mount(routes({ 'GET threads': () => json(data) }));
      expect(deepText(el)).to.contain('Comments are closed.');
      expect(composers(el)).to.have.length(0);
      expect(deepText(el)).not.to.contain('Leave a Reply');
      expect(allByRole(commentEl(el, 'a')!.shadowRoot!, 'button', 'Reply')).to.have.length(0);
    });

    it('locked meanwhile: the refusal says so and the text stays', async () => {
      const { el } = await mount(
        routes({
          'GET threads': () => json(threadResponse([])),
          'POST comments': () => problem(403, 'thread_locked'),
        }),
      );
      const form = mainForm(el);
      write(form, 'My late thoughts');
      send(form);
      await waitUntil(() => deepText(form.host).includes('Comments are closed.'));
      expect(getByRole(form, 'textbox', 'Comment').value).to.equal('My late thoughts');
    });
  });

  describe('the honeypot', () => {
    it('is a "homepage" field people neither see nor reach, sent as trap', async () => {
      const { el, fetch } = await mount(
        routes({ 'GET threads': () => json(threadResponse([])), 'POST comments': publish() }),
      );
      const form = mainForm(el);
      const trap = form.querySelector<HTMLInputElement>('input[name=homepage]')!;
      expect(trap).to.exist;
      expect(trap.tabIndex).to.equal(-1);
      expect(trap.getAttribute('autocomplete')).to.equal('off');
      expect(trap.getAttribute('aria-hidden')).to.equal('true');
      // Not display:none (which some bots skip), but nothing of it shows or takes a click.
      expect(getComputedStyle(trap).display).not.to.equal('none');
      expect(getComputedStyle(trap).clipPath).to.equal('inset(50%)');
      const box = trap.getBoundingClientRect();
      const hit = form.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      expect(hit).not.to.equal(trap);
      // Nor does it push the form apart.
      expect(getComputedStyle(trap).position).to.equal('absolute');
      // Not among the named fields a reader fills in.
      expect(allByRole(form, 'textbox').filter((t) => t.name === 'homepage')).to.have.length(1);
      expect(getByRole(form, 'textbox', 'Name').name).to.equal('name');

      write(form, 'Hello');
      // A bot fills in every field it finds.
      trap.value = 'https://spam.example';
      send(form);
      await waitUntil(() => posts(fetch).length);
      expect((posts(fetch)[0]!.json as CreateCommentRequest).trap).to.equal('https://spam.example');
    });

    it('a refusal as spam is said, and the text stays', async () => {
      const { el } = await mount(
        routes({
          'GET threads': () => json(threadResponse([])),
          'POST comments': () => problem(422, 'spam_suspected'),
        }),
      );
      const form = mainForm(el);
      write(form, 'Buy now');
      send(form);
      await waitUntil(() => deepText(form.host).includes('Your comment was taken for spam.'));
      expect(getByRole(form, 'textbox', 'Comment').value).to.equal('Buy now');
    });
  });

  describe('the guest spam guard', () => {
    it('is fetched when the guest starts writing, and its token and solved work are sent', async () => {
      const g = await guard('ft-1');
      const { el, fetch } = await mount(
        routes({
          'GET threads': () => json(threadResponse([])),
          'GET guard': () => json(g),
          'POST comments': publish(),
        }),
      );
      expect(guards(fetch)).to.have.length(0);
      const form = mainForm(el);
      write(form, 'Hello there');
      await waitUntil(() => guards(fetch).length, 'no guard fetched on first input');
      expect(guards(fetch)[0]!.url.searchParams.get('site')).to.equal('myblog');
      send(form);
      await waitUntil(() => posts(fetch).length);
      const req = posts(fetch)[0]!.json as CreateCommentRequest;
      expect(req.formToken).to.equal('ft-1');
      expect(req.trap).to.equal('');
      const payload = JSON.parse(atob(req.proofOfWork!)) as Record<string, unknown>;
      expect(Object.keys(payload).sort()).to.deep.equal([
        'algorithm',
        'challenge',
        'number',
        'salt',
        'signature',
      ]);
      expect(await verifySolution(req.proofOfWork!, HMAC)).to.be.true;
      await waitUntil(() => commentEl(el, 'new1'));
      expect(guards(fetch)).to.have.length(1);
    });

    it('waits, showing it is sending, until the minimum fill time has passed', async () => {
      const g = await guard('ft-slow', 1.2);
      let fetchedAt = 0;
      let postedAt = 0;
      const { el, fetch } = await mount(
        routes({
          'GET threads': () => json(threadResponse([])),
          'GET guard': () => ((fetchedAt = performance.now()), json(g)),
          'POST comments': (call) => ((postedAt = performance.now()), publish()(call)),
        }),
      );
      const form = mainForm(el);
      write(form, 'Quick!');
      send(form);
      await settle(el);
      const button = getByRole(form, 'button', 'Posting…');
      expect(button.disabled).to.be.true;
      expect(posts(fetch)).to.have.length(0);
      await waitUntil(() => posts(fetch).length, 'never sent', { timeout: 4000 });
      expect(postedAt - fetchedAt).to.be.at.least(1150);
      await waitUntil(() => commentEl(el, 'new1'));
    });

    it('fetches a new guard and retries once when the challenge failed', async () => {
      const first = await guard('ft-old');
      const second = await guard('ft-new');
      let n = 0;
      const { el, fetch } = await mount(
        routes({
          'GET threads': () => json(threadResponse([])),
          'GET guard': () => json(n++ ? second : first),
          'POST comments': (call) =>
            (call.json as CreateCommentRequest).formToken === 'ft-old'
              ? problem(400, 'challenge_failed')
              : publish()(call),
        }),
      );
      const form = mainForm(el);
      write(form, 'Second time lucky');
      send(form);
      await waitUntil(() => commentEl(el, 'new1'), 'the retry did not post');
      expect(posts(fetch).map((c) => (c.json as CreateCommentRequest).formToken)).to.deep.equal([
        'ft-old',
        'ft-new',
      ]);
      // The same Idempotency-Key: it is the same comment.
      const [a, b] = posts(fetch);
      expect(a!.headers.get('Idempotency-Key')).to.equal(b!.headers.get('Idempotency-Key'));
      expect(deepText(form.host)).not.to.contain('Please wait');
    });

    it('retries only once: a second refusal is shown and the text stays', async () => {
      const { el, fetch } = await mount(
        routes({
          'GET threads': () => json(threadResponse([])),
          'GET guard': async () => json(await guard('ft')),
          'POST comments': () => problem(422, 'too_fast'),
        }),
      );
      const form = mainForm(el);
      write(form, 'Stubborn');
      send(form);
      await waitUntil(() => deepText(form.host).includes('Please wait a moment, then send again.'));
      expect(posts(fetch)).to.have.length(2);
      expect(getByRole(form, 'textbox', 'Comment').value).to.equal('Stubborn');
    });

    it('a server without a guard still takes comments', async () => {
      const { el, fetch } = await mount(
        routes({ 'GET threads': () => json(threadResponse([])), 'POST comments': publish() }),
      );
      const form = mainForm(el);
      write(form, 'Plain');
      send(form);
      await waitUntil(() => commentEl(el, 'new1'));
      const req = posts(fetch)[0]!.json as CreateCommentRequest;
      expect(req.formToken).to.equal(undefined);
      expect(req.proofOfWork).to.equal(undefined);
    });
  });

  describe('errors a reader can meet', () => {
    const cases: [string, Response, string][] = [
      [
        'banned, with the detail of the ban',
        problem(403, 'banned', { detail: 'You are banned from this site until 1 December 2026.' }),
        'You are banned from this site until 1 December 2026.',
      ],
      ['banned, without a detail', problem(403, 'banned'), 'You can no longer comment here.'],
      ['a duplicate', problem(409, 'duplicate_comment'), 'You already said that.'],
      [
        'storage unavailable',
        problem(503, 'storage_unavailable', { retryAfter: 30 }, { 'Retry-After': '30' }),
        "Comments can't be saved right now. Please try again in a minute.",
      ],
      [
        'too complex to render',
        problem(422, 'too_complex'),
        "Your comment's formatting is too complex. Please simplify it.",
      ],
      [
        'a reused Idempotency-Key',
        problem(422, 'idempotency_key_reused'),
        'This comment was already sent once. Change the text to send it again.',
      ],
      [
        'a body that is not UTF-8',
        problem(400, 'invalid_encoding'),
        'The comment server could not read your text. Please try again.',
      ],
      [
        'rate limited, with the wait',
        problem(429, 'rate_limited', { retryAfter: 42 }),
        "You're commenting too fast. Try again in 42 s.",
      ],
    ];
    for (const [what, answer, message] of cases) {
      it(`${what}: "${message}", and the text stays`, async () => {
        const { el } = await mount(
          routes({
            'GET threads': () => json(threadResponse([])),
            'POST comments': () => answer.clone(),
          }),
        );
        const form = mainForm(el);
        write(form, 'Words I typed');
        send(form);
        await waitUntil(() => deepText(form.host).includes(message), `no "${message}"`);
        expect(getByRole(form, 'textbox', 'Comment').value).to.equal('Words I typed');
        expect(getByRole(form, 'textbox', 'Name').value).to.equal('Grace');
      });
    }
  });

  describe('held comments', () => {
    const KEY = 'confab:held:myblog:/post/';

    it('show to their author after a reload, until the thread has them published', async () => {
      let data: ThreadResponse = threadResponse([comment({ id: 'a' })]);
      const handler = routes({ 'GET threads': () => json(data), 'POST comments': publish(202) });
      const first = await mount(handler);
      const form = mainForm(first.el);
      write(form, 'Held for now');
      send(form);
      await waitUntil(() => commentEl(first.el, 'new1'));
      first.el.remove();

      // A reload: the server does not show a held comment to a guest.
      const { el } = await mount(handler);
      await waitUntil(() => commentEl(el, 'new1'), 'the held comment is gone after a reload');
      const held = commentEl(el, 'new1')!;
      expect(deepText(held)).to.contain('Held for now');
      expect(deepText(held)).to.contain('This comment is awaiting moderation.');
      expect(ids(el)).to.deep.equal(['a', 'new1']);
      // Held comments are not counted.
      expect(deepText(el)).to.contain('1 comment on “Hello”');
      el.remove();

      // Approved: the thread returns it, and the browser forgets its copy.
      const approved = comment({ id: 'new1', html: '<p>Held for now</p>' });
      data = threadResponse([comment({ id: 'a' }), approved]);
      const after = await mount(handler);
      expect(deepText(commentEl(after.el, 'new1')!)).not.to.contain('awaiting moderation');
      expect(ids(after.el)).to.deep.equal(['a', 'new1']);
      expect(localStorage.getItem(KEY)).to.equal(null);
    });

    it('are kept a week at most', async () => {
      const old = comment({
        id: 'old',
        status: 'pending',
        createdAt: new Date(Date.now() - 8 * 86_400_000).toISOString(),
      });
      const recent = comment({ id: 'recent', status: 'pending' });
      localStorage.setItem(KEY, JSON.stringify([old, recent]));
      const { el } = await mount(routes({ 'GET threads': () => json(threadResponse([])) }));
      expect(ids(el)).to.deep.equal(['recent']);
    });
  });

  describe('signed in', () => {
    const STORED = `confab:session:${SERVER}:myblog`;
    const session = (role: 'owner' | 'moderator' | null): Session => ({
      token: 'tok-staff-0123456789',
      expiresAt: later(86_400_000),
      user: {
        id: 'u1',
        name: 'Mo',
        avatarUrl: null,
        profileUrl: null,
        provider: 'github',
        role,
      },
    });

    /** Mounts a thread whose reader comes back with a kept session of `role`. */
    async function signedIn(
      role: 'owner' | 'moderator' | null,
      data: ThreadResponse,
      extra: Record<string, Handler> = {},
    ) {
      const s = session(role);
      localStorage.setItem(STORED, JSON.stringify(s));
      const r = await mount(
        routes({
          'GET threads': () => json(data),
          'GET /auth/providers': () => json([]),
          'GET me': () => json({ user: s.user, site: 'myblog', expiresAt: s.expiresAt }),
          ...extra,
        }),
      );
      await waitUntil(
        () => deepText(r.el).includes('You are commenting using your github account'),
        'not signed in',
      );
      await waitUntil(
        () =>
          r.fetch.calls.some(
            (c) => c.url.pathname === '/api/v1/threads' && c.headers.get('Authorization'),
          ),
        'the thread was not read with the session',
      );
      await settle(r.el);
      return r;
    }

    /** A POST moderation/actions handler that applies the action to `comments`. */
    const moderate =
      (comments: PublicComment[]): Handler =>
      (call) => {
        const req = call.json as ModActionRequest;
        const c = comments.find((x) => x.id === req.ids[0])!;
        const status =
          req.action === 'approve'
            ? 'published'
            : req.action === 'delete'
              ? 'deleted'
              : req.action === 'spam'
                ? 'spam'
                : c.status;
        const pinned = req.action === 'pin' ? true : req.action === 'unpin' ? false : c.pinned;
        return json({ comments: [{ ...c, status, pinned, body: 'x', heldReason: null }] });
      };

    it('reads the thread with the session, and posts without the guest guard', async () => {
      const { el, fetch } = await signedIn(null, threadResponse([]), {
        'POST comments': publish(),
      });
      const form = mainForm(el);
      const textarea = getByRole(form, 'textbox', 'Comment');
      textarea.focus();
      type(textarea, 'As myself');
      send(form);
      await waitUntil(() => posts(fetch).length);
      const post = posts(fetch)[0]!;
      expect(post.headers.get('Authorization')).to.equal('Bearer tok-staff-0123456789');
      expect((post.json as CreateCommentRequest).formToken).to.equal(undefined);
      expect(guards(fetch)).to.have.length(0);
      expect(form.querySelector('input[name=homepage]')).to.equal(null);
    });

    it('a reader who is not staff gets no moderation buttons', async () => {
      const { el } = await signedIn(null, threadResponse([comment({ id: 'a' })]));
      await aTimeout(50);
      await settle(el);
      expect(allByRole(commentEl(el, 'a')!, 'button', 'Delete')).to.have.length(0);
      expect(allByRole(commentEl(el, 'a')!, 'button', /^(Approve|Spam|Pin)$/)).to.have.length(0);
    });

    it('a guest gets none either', async () => {
      const { el } = await mount(
        routes({ 'GET threads': () => json(threadResponse([comment({ id: 'a' })])) }),
      );
      await aTimeout(50);
      await settle(el);
      expect(allByRole(commentEl(el, 'a')!, 'button', /^(Approve|Spam|Pin)$/)).to.have.length(0);
    });

    it('a moderator approves a held comment in place, with the session', async () => {
      const a = comment({ id: 'a' });
      const held = comment({ id: 'h', status: 'pending', html: '<p>Please approve</p>' });
      const { el, fetch } = await signedIn('moderator', threadResponse([a, held]), {
        'POST moderation/actions': moderate([a, held]),
      });
      await waitUntil(() => allByRole(commentEl(el, 'h')!, 'button', 'Approve').length);
      // Approve only where it applies; Pin only on published top-level comments.
      expect(allByRole(commentEl(el, 'a')!, 'button', 'Approve')).to.have.length(0);
      expect(allByRole(commentEl(el, 'a')!, 'button', 'Pin')).to.have.length(1);
      expect(allByRole(commentEl(el, 'h')!, 'button', 'Delete')).to.have.length(1);
      expect(allByRole(commentEl(el, 'h')!, 'button', 'Spam')).to.have.length(1);
      expect(deepText(el)).to.contain('1 comment on “Hello”');

      getByRole(commentEl(el, 'h')!, 'button', 'Approve').click();
      await waitUntil(() => actions(fetch).length);
      const call = actions(fetch)[0]!;
      expect(call.method).to.equal('POST');
      expect(call.headers.get('Authorization')).to.equal('Bearer tok-staff-0123456789');
      expect(call.json).to.deep.equal({ site: 'myblog', action: 'approve', ids: ['h'] });
      await waitUntil(() => !deepText(commentEl(el, 'h')!).includes('awaiting moderation'));
      await settle(el);
      expect(deepText(el)).to.contain('2 comments on “Hello”');
      expect(allByRole(commentEl(el, 'h')!, 'button', 'Approve')).to.have.length(0);
    });

    it('deletes and marks spam: gone, or a placeholder where replies remain', async () => {
      const a = comment({ id: 'a' });
      const b = comment({ id: 'b', replyCount: 1 });
      const reply = comment({ id: 'r', parentId: 'b' });
      const { el, fetch } = await signedIn('owner', threadResponse([a, b, reply]), {
        'POST moderation/actions': moderate([a, b, reply]),
      });
      const asked: string[] = [];
      const stub = (q?: string) => (asked.push(q ?? ''), true);
      const confirmWas = Object.getOwnPropertyDescriptor(window, 'confirm')!;
      Object.defineProperty(window, 'confirm', { value: stub, configurable: true, writable: true });
      try {
        await waitUntil(() => allByRole(commentEl(el, 'a')!, 'button', 'Spam').length);
        getByRole(commentEl(el, 'a')!, 'button', 'Spam').click();
        await waitUntil(() => !commentEl(el, 'a'), 'spam stayed');
        getByRole(commentEl(el, 'b')!, 'button', 'Delete').click();
        await waitUntil(() => deepText(commentEl(el, 'b')!).includes('This comment was deleted.'));
        expect(commentEl(el, 'r')).to.exist;
        expect(actions(fetch).map((c) => (c.json as ModActionRequest).action)).to.deep.equal([
          'spam',
          'delete',
        ]);
        expect(asked).to.have.length(2);
        await settle(el);
        expect(deepText(el)).to.contain('1 comment on “Hello”');
      } finally {
        Object.defineProperty(window, 'confirm', confirmWas);
      }
    });

    it('pins a comment: it moves to the top, labelled "Pinned"', async () => {
      const a = comment({ id: 'a' });
      const b = comment({ id: 'b' });
      const { el, fetch } = await signedIn('moderator', threadResponse([a, b]), {
        'POST moderation/actions': moderate([a, b]),
      });
      expect(ids(el)).to.deep.equal(['a', 'b']);
      await waitUntil(() => allByRole(commentEl(el, 'b')!, 'button', 'Pin').length);
      getByRole(commentEl(el, 'b')!, 'button', 'Pin').click();
      await waitUntil(() => ids(el)[0] === 'b', 'the pinned comment did not move up');
      expect(deepText(commentEl(el, 'b')!)).to.contain('Pinned');
      expect((actions(fetch)[0]!.json as ModActionRequest).action).to.equal('pin');
      await settle(el);
      expect(allByRole(commentEl(el, 'b')!, 'button', 'Unpin')).to.have.length(1);
    });

    it('shows why an action failed', async () => {
      const a = comment({ id: 'a', status: 'pending' });
      const { el } = await signedIn('moderator', threadResponse([a]), {
        'POST moderation/actions': () => problem(409, 'invalid_state'),
      });
      await waitUntil(() => allByRole(commentEl(el, 'a')!, 'button', 'Approve').length);
      getByRole(commentEl(el, 'a')!, 'button', 'Approve').click();
      await waitUntil(() => deepText(commentEl(el, 'a')!).includes('That no longer applies'));
    });
  });

  describe('pinned comments', () => {
    it('show a "Pinned" label and come first, for every reader', async () => {
      const a = comment({ id: 'a' });
      const p = comment({ id: 'p', pinned: true });
      const { el } = await mount(routes({ 'GET threads': () => json(threadResponse([a, p])) }));
      expect(ids(el)).to.deep.equal(['p', 'a']);
      expect(deepText(commentEl(el, 'p')!)).to.contain('Pinned');
      expect(deepText(commentEl(el, 'a')!)).not.to.contain('Pinned');
    });
  });
});
