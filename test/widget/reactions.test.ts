import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import type {
  LiveEvent,
  PublicComment,
  ReactionsResponse,
  Session,
  ThreadResponse,
} from '../../server/contract.js';
import type { ConfabThread } from '../../widget/elements/confab-thread.js';
import '../../widget/define.js';
import { saveGrant } from '../../widget/state/storage.js';
import {
  type Call,
  type FakeFetch,
  type Handler,
  allByRole,
  comment,
  deepAll,
  deletedPlaceholder,
  fakeFetch,
  getByRole,
  json,
  problem,
  routes,
  threadResponse,
} from './helpers.js';

const SERVER = 'https://comments.example';
const later = (ms = 10 * 60_000) => new Date(Date.now() + ms).toISOString();

const alice: Session = {
  token: 'tok-alice-0123456789',
  expiresAt: later(30 * 86_400_000),
  user: {
    id: 'u-alice',
    name: 'Reader alice',
    avatarUrl: null,
    profileUrl: null,
    provider: 'keycloak',
    role: null,
  },
};

const reactions = (over: Partial<ReactionsResponse> = {}): ReactionsResponse => ({
  settings: { votes: true, downvotes: true },
  myVotes: {},
  mine: [],
  likes: { likeCount: 0, liked: false, likers: [] },
  ...over,
});

/** A stream the test writes events to, as the server would. */
function stream() {
  let out: ReadableStreamDefaultController<Uint8Array> | undefined;
  const handler: Handler = () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        out = c;
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };
  const send = (e: Partial<LiveEvent> & { kind: LiveEvent['kind'] }, id: number) => {
    const frame = `event: ${e.kind}\nid: ${id}\ndata: ${JSON.stringify({ commentId: null, ...e })}\n\n`;
    out!.enqueue(new TextEncoder().encode(frame));
  };
  return { handler, send, opened: () => out !== undefined };
}

async function settle(el: Element) {
  for (let i = 0; i < 3; i++) {
    await aTimeout(0);
    for (const c of [el, ...deepAll(el.shadowRoot!)])
      await (c as Partial<ConfabThread>).updateComplete;
  }
}

/**
 * Mounts a thread on `page` whose reader's reactions are `mine`, and waits until they are
 * read and shown. `extra` adds or replaces routes.
 */
async function mount(
  page: ThreadResponse,
  mine: ReactionsResponse = reactions(),
  extra: Record<string, Handler> = {},
  live = 'off',
) {
  const fetch: FakeFetch = fakeFetch(
    routes({
      'GET threads': () => json(page),
      'GET reactions': () => json(mine),
      'GET /auth/providers': () => json([]),
      'GET me': () => json({ user: alice.user, site: 'myblog', expiresAt: alice.expiresAt }),
      ...extra,
    }),
  );
  const el = await fixture<ConfabThread>(html`
    <confab-thread
      site="myblog"
      thread="/post/"
      title="Hello"
      live=${live}
      server="${SERVER}/"
      .fetch=${fetch}
    ></confab-thread>
  `);
  await waitUntil(() => callsTo(fetch, 'GET', 'reactions').length, 'reactions were not read');
  await settle(el);
  return { el, fetch };
}

const callsTo = (f: FakeFetch, method: string, path: string): Call[] =>
  f.calls.filter((c) => c.method === method && c.url.pathname === `/api/v1/${path}`);
const likesLine = (el: Element) => el.shadowRoot!.querySelector('[part=likes]')!;
const likesText = (el: Element) => likesLine(el).querySelector('span')!.textContent.trim();
const root = (el: Element, id: string) =>
  deepAll(el.shadowRoot!).find(
    (e) =>
      e.localName === 'confab-comment' &&
      (e as unknown as { comment: PublicComment }).comment.id === id,
  )!.shadowRoot!;
const score = (el: Element, id: string) =>
  root(el, id).querySelector('[part=score]')?.textContent.trim();
const voteButtons = (el: Element, id: string) =>
  allByRole(root(el, id), 'button', /^Vote (up|down)$/).map((b) => b.getAttribute('aria-label'));
const pressed = (button: Element) => button.getAttribute('aria-pressed');
const error = (el: Element) => el.shadowRoot!.querySelector('[role=alert]')!.textContent.trim();

describe('votes and likes in <confab-thread>', () => {
  beforeEach(() => {
    localStorage.clear();
  });

  describe('the like line', () => {
    it('says how many readers like the post, with the signed-in likers’ avatars', async () => {
      const likers = [
        { name: 'Tomás', avatarUrl: 'https://img.example/t.png', url: null },
        { name: 'Grace Hopper', avatarUrl: null, url: null },
      ];
      const page = threadResponse([comment()], { thread: { likeCount: 3, likers } });
      const { el } = await mount(page, reactions({ likes: { likeCount: 3, liked: true, likers } }));
      expect(likesText(el)).to.equal('3 readers like this');
      const line = likesLine(el);
      expect(line.querySelector('img')!.getAttribute('src')).to.equal('https://img.example/t.png');
      expect(line.querySelector('span[part=avatar]')!.textContent.trim()).to.equal('GH');
      const like = getByRole(el.shadowRoot!, 'button', 'Liked');
      expect(pressed(like)).to.equal('true');
      await expect(el).to.be.accessible();
    });

    it('says one and none as WordPress does', async () => {
      const one = await mount(
        threadResponse([], { thread: { likeCount: 1 } }),
        reactions({
          likes: { likeCount: 1, liked: false, likers: [] },
        }),
      );
      expect(likesText(one.el)).to.equal('One reader likes this');
      one.el.remove();
      const none = await mount(threadResponse([]));
      expect(likesText(none.el)).to.equal('Be the first to like this.');
      expect(pressed(getByRole(none.el.shadowRoot!, 'button', 'Like'))).to.equal('false');
    });

    it('likes the post, and takes the like back when pressed again', async () => {
      let liked = false;
      const { el, fetch } = await mount(threadResponse([comment()]), reactions(), {
        'PUT threads/like': (call) => {
          liked = (call.json as { liked: boolean }).liked;
          return json({ likeCount: liked ? 1 : 0, liked, likers: [] });
        },
      });
      getByRole(el.shadowRoot!, 'button', 'Like').click();
      // At once, before the server answers.
      await settle(el);
      expect(likesText(el)).to.equal('One reader likes this');
      expect(pressed(getByRole(el.shadowRoot!, 'button', 'Liked'))).to.equal('true');
      const [first] = callsTo(fetch, 'PUT', 'threads/like');
      expect(first!.url.searchParams.get('site')).to.equal('myblog');
      expect(first!.url.searchParams.get('thread')).to.equal('/post/');
      expect(first!.json).to.deep.equal({
        liked: true,
        threadTitle: 'Hello',
        threadUrl: location.href.split('#')[0],
      });
      const voter = first!.headers.get('Confab-Voter');
      expect(voter).to.match(/^[\w-]{22}$/);
      expect(first!.headers.has('authorization')).to.be.false;

      getByRole(el.shadowRoot!, 'button', 'Liked').click();
      await settle(el);
      const second = callsTo(fetch, 'PUT', 'threads/like')[1]!;
      expect(second.json).to.deep.equal({ liked: false });
      expect(second.headers.get('Confab-Voter')).to.equal(voter);
      expect(likesText(el)).to.equal('Be the first to like this.');
      expect(pressed(getByRole(el.shadowRoot!, 'button', 'Like'))).to.equal('false');
    });
  });

  describe('votes', () => {
    it('votes up, down and back to none as a guest, with one voter token', async () => {
      const page = threadResponse([comment({ id: 'a', score: 2, upvotes: 2, downvotes: 0 })]);
      const { el, fetch } = await mount(page, reactions(), {
        'PUT comments/a/vote': (call) => {
          const { value } = call.json as { value: -1 | 0 | 1 };
          const up = 2 + Number(value === 1);
          const down = Number(value === -1);
          return json({
            commentId: 'a',
            score: up - down,
            upvotes: up,
            downvotes: down,
            myVote: value,
          });
        },
      });
      expect(score(el, 'a')).to.equal('2');
      const up = () => getByRole(root(el, 'a'), 'button', 'Vote up');
      const down = () => getByRole(root(el, 'a'), 'button', 'Vote down');
      expect([pressed(up()), pressed(down())]).to.deep.equal(['false', 'false']);

      up().click();
      await settle(el);
      expect(score(el, 'a')).to.equal('3');
      expect(pressed(up())).to.equal('true');

      up().click();
      await settle(el);
      expect(score(el, 'a')).to.equal('2');
      expect(pressed(up())).to.equal('false');

      down().click();
      await settle(el);
      expect(score(el, 'a')).to.equal('1');
      expect(pressed(down())).to.equal('true');

      const votes = callsTo(fetch, 'PUT', 'comments/a/vote');
      expect(votes.map((c) => c.json)).to.deep.equal([{ value: 1 }, { value: 0 }, { value: -1 }]);
      const tokens = new Set(votes.map((c) => c.headers.get('Confab-Voter')));
      expect(tokens.size).to.equal(1);
      const [token] = [...tokens];
      expect(token).to.match(/^[\w-]{22,128}$/);
      expect(JSON.parse(localStorage.getItem('confab:voter')!)).to.equal(token);
      expect(votes.some((c) => c.headers.has('authorization'))).to.be.false;
      await expect(el).to.be.accessible();
    });

    it('shows a guest their own votes, read with their voter token', async () => {
      localStorage.setItem('confab:voter', JSON.stringify('v'.repeat(22)));
      const page = threadResponse([
        comment({ id: 'a', score: 1 }),
        comment({ id: 'b', score: -1 }),
      ]);
      const { el, fetch } = await mount(page, reactions({ myVotes: { a: 1, b: -1 } }));
      expect(callsTo(fetch, 'GET', 'reactions')[0]!.headers.get('Confab-Voter')).to.equal(
        'v'.repeat(22),
      );
      expect(pressed(getByRole(root(el, 'a'), 'button', 'Vote up'))).to.equal('true');
      expect(pressed(getByRole(root(el, 'b'), 'button', 'Vote down'))).to.equal('true');
    });

    it('votes with the session when signed in, and has no buttons on the reader’s own', async () => {
      localStorage.setItem(`confab:session:${SERVER}:myblog`, JSON.stringify(alice));
      const page = threadResponse([comment({ id: 'a' }), comment({ id: 'b', score: 4 })]);
      const { el, fetch } = await mount(page, reactions(), {
        'GET reactions': (call) =>
          json(
            call.headers.has('authorization')
              ? reactions({ mine: ['a'], myVotes: { b: -1 } })
              : reactions(),
          ),
        'PUT comments/b/vote': () =>
          json({ commentId: 'b', score: 5, upvotes: 5, downvotes: 0, myVote: 0 }),
      });
      await waitUntil(
        () => callsTo(fetch, 'GET', 'reactions').some((c) => c.headers.has('authorization')),
        'reactions were not read again signed in',
      );
      await waitUntil(() => voteButtons(el, 'a').length === 0, 'buttons on the own comment');
      expect(score(el, 'a')).to.equal('0');
      const down = getByRole(root(el, 'b'), 'button', 'Vote down');
      expect(pressed(down)).to.equal('true');
      down.click();
      await settle(el);
      const [vote] = callsTo(fetch, 'PUT', 'comments/b/vote');
      expect(vote!.json).to.deep.equal({ value: 0 });
      expect(vote!.headers.get('Authorization')).to.equal(`Bearer ${alice.token}`);
      expect(vote!.headers.has('Confab-Voter')).to.be.false;
      expect(score(el, 'b')).to.equal('5');
    });

    it('has no buttons on a guest’s own comment nor on a deleted placeholder', async () => {
      saveGrant('a', { token: 'edit-token', until: later(), body: 'Mine' });
      const page = threadResponse([
        comment({ id: 'a' }),
        deletedPlaceholder('d'),
        comment({ id: 'r', parentId: 'd' }),
      ]);
      const { el } = await mount(page);
      expect(voteButtons(el, 'a')).to.deep.equal([]);
      expect(score(el, 'a')).to.equal('0');
      expect(voteButtons(el, 'd')).to.deep.equal([]);
      expect(score(el, 'd')).to.equal(undefined);
      expect(voteButtons(el, 'r')).to.deep.equal(['Vote up', 'Vote down']);
    });

    it('shows no votes at all when the site takes none, and no ▼ without downvotes', async () => {
      const page = threadResponse([comment({ id: 'a', score: 3 })]);
      const off = await mount(page, reactions({ settings: { votes: false, downvotes: false } }));
      expect(voteButtons(off.el, 'a')).to.deep.equal([]);
      expect(score(off.el, 'a')).to.equal(undefined);
      off.el.remove();

      const up = await mount(page, reactions({ settings: { votes: true, downvotes: false } }));
      expect(voteButtons(up.el, 'a')).to.deep.equal(['Vote up']);
      expect(score(up.el, 'a')).to.equal('3');
    });

    it('puts a refused vote back and says why', async () => {
      const page = threadResponse([comment({ id: 'a', score: 2, upvotes: 2 })]);
      const { el, fetch } = await mount(page, reactions(), {
        'PUT comments/a/vote': () => problem(409, 'already_voted'),
        'PUT threads/like': () => problem(409, 'already_voted'),
      });
      const up = getByRole(root(el, 'a'), 'button', 'Vote up');
      up.click();
      await waitUntil(() => callsTo(fetch, 'PUT', 'comments/a/vote').length);
      await settle(el);
      expect(score(el, 'a')).to.equal('2');
      expect(pressed(up)).to.equal('false');
      expect(error(el)).to.equal('A guest at your address already did that.');

      getByRole(el.shadowRoot!, 'button', 'Like').click();
      await waitUntil(() => callsTo(fetch, 'PUT', 'threads/like').length);
      await settle(el);
      expect(likesText(el)).to.equal('Be the first to like this.');
      expect(pressed(getByRole(el.shadowRoot!, 'button', 'Like'))).to.equal('false');
      expect(error(el)).to.equal('A guest at your address already did that.');
    });

    it('takes the buttons off a comment the server says is the reader’s own', async () => {
      const page = threadResponse([comment({ id: 'a', score: 1 }), comment({ id: 'b' })]);
      const { el } = await mount(page, reactions(), {
        'PUT comments/a/vote': () => problem(403, 'own_comment'),
      });
      getByRole(root(el, 'a'), 'button', 'Vote down').click();
      await waitUntil(() => voteButtons(el, 'a').length === 0, 'the buttons stayed');
      expect(score(el, 'a')).to.equal('1');
      expect(error(el)).to.equal('You cannot vote on your own comment.');
      expect(voteButtons(el, 'b')).to.deep.equal(['Vote up', 'Vote down']);
    });
  });

  it('moves scores and the like count in place on live events', async () => {
    const s = stream();
    const page = threadResponse([comment({ id: 'a', score: 1, upvotes: 1 })], {
      thread: { likeCount: 2 },
    });
    const { el, fetch } = await mount(
      page,
      reactions({ myVotes: { a: 1 }, likes: { likeCount: 2, liked: false, likers: [] } }),
      { 'GET stream': s.handler },
      '',
    );
    await waitUntil(s.opened, 'no stream opened');
    s.send({ kind: 'ready' }, 1);
    // Once open, the thread reads itself again (what came in between): then the events.
    await waitUntil(() => callsTo(fetch, 'GET', 'threads').length === 2, 'no catching up');
    await settle(el);
    s.send({ kind: 'comment.voted', commentId: 'a', detail: { score: 9, up: 10, down: 1 } }, 2);
    await waitUntil(() => score(el, 'a') === '9', 'the score did not move');
    const shown = root(el, 'a').host as unknown as { comment: PublicComment };
    expect([shown.comment.upvotes, shown.comment.downvotes]).to.deep.equal([10, 1]);
    // The reader's own vote stays.
    expect(pressed(getByRole(root(el, 'a'), 'button', 'Vote up'))).to.equal('true');
    s.send({ kind: 'thread.liked', detail: { likes: 7 } }, 3);
    await waitUntil(() => likesText(el) === '7 readers like this', 'the like count did not move');
  });
});
