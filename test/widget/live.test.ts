import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { LitElement } from 'lit';
import type { LiveEvent, PublicComment } from '../../server/contract.js';
import { ApiClient } from '../../widget/api/client.js';
import type { ConfabThread } from '../../widget/elements/confab-thread.js';
import '../../widget/define.js';
import { Live } from '../../widget/state/live.js';
import { saveHeld } from '../../widget/state/storage.js';
import { ThreadController } from '../../widget/state/thread-controller.js';
import {
  type Call,
  type FakeFetch,
  type Handler,
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

/** A stream the test writes to, as the server would. */
interface FakeStream {
  call: Call;
  send(e: Partial<LiveEvent> & { kind: LiveEvent['kind'] }, id: number): void;
  raw(text: string): void;
  end(): void;
  /** Whether the widget has let go of it (aborted its request). */
  aborted(): boolean;
}

function streams(): { handler: Handler; opened: FakeStream[] } {
  const opened: FakeStream[] = [];
  const handler: Handler = (call) => {
    let out!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        out = c;
      },
    });
    const encode = (t: string) => {
      try {
        out.enqueue(new TextEncoder().encode(t));
      } catch {
        // The widget has gone.
      }
    };
    opened.push({
      call,
      send: (e, id) => {
        encode(
          `event: ${e.kind}\nid: ${id}\ndata: ${JSON.stringify({ commentId: null, ...e })}\n\n`,
        );
      },
      raw: encode,
      end: () => {
        out.close();
      },
      // Read when asked: the fake fetch gives the call its signal after this handler ran.
      aborted: () => (call as Call & { signal?: AbortSignal }).signal?.aborted ?? false,
    });
    // A fast retry hint, so that reconnections in these tests take milliseconds.
    encode('retry: 5\n\n');
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };
  return { handler, opened };
}

/** A fake fetch that also passes the request's signal on to the handler. */
function withSignals(handler: Handler): FakeFetch {
  const inner = fakeFetch(handler);
  const f = (input: RequestInfo | URL, init: RequestInit = {}) => {
    const result = inner(input, init);
    const call = inner.calls.at(-1) as Call & { signal?: AbortSignal };
    call.signal = init.signal ?? undefined;
    return result;
  };
  return Object.assign(f, { calls: inner.calls });
}

const own = (over: Partial<PublicComment> = {}) => comment({ ...over });
const streamCalls = (f: FakeFetch) => f.calls.filter((c) => c.url.pathname.endsWith('/stream'));
const reads = (f: FakeFetch) => f.calls.filter((c) => c.url.pathname.endsWith('/threads'));

async function mount(first: PublicComment[], extra: Record<string, Handler> = {}, live = '') {
  const s = streams();
  let page = threadResponse(first);
  const fetch = withSignals(
    routes({ 'GET threads': () => json(page), 'GET stream': s.handler, ...extra }),
  );
  const el = await fixture<ConfabThread>(html`
    <confab-thread
      site="myblog"
      thread="/post/"
      title="Hello"
      live=${live}
      server="https://comments.example/"
      .fetch=${fetch}
    ></confab-thread>
  `);
  await waitUntil(() => el.shadowRoot!.querySelector('confab-composer'), 'thread did not load');
  return {
    el,
    fetch,
    opened: s.opened,
    setPage: (comments: PublicComment[]) => (page = threadResponse(comments)),
  };
}

/** Mounts, waits for the stream, and sends its `ready` (then the thread reads itself once more). */
async function live(first: PublicComment[], extra: Record<string, Handler> = {}) {
  const m = await mount(first, extra);
  await waitUntil(() => m.opened.length === 1, 'no stream opened');
  m.opened[0]!.send({ kind: 'ready' }, 10);
  await waitUntil(() => reads(m.fetch).length === 2, 'the thread did not catch up');
  await settle(m.el);
  return { ...m, stream: m.opened[0]! };
}

async function settle(el: Element) {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r));
    for (const c of [el, ...deepAll(el.shadowRoot!)])
      await (c as Partial<ConfabThread>).updateComplete;
  }
}

const text = (el: Element) => deepText(el);
const said = (el: Element) => el.shadowRoot!.querySelector('[role=status]')!.textContent;
const heading = (el: Element) => getByRole(el.shadowRoot!, 'heading', /comment/i).textContent;
const shownIds = (el: Element) =>
  deepAll(el.shadowRoot!)
    .filter((e) => e.localName === 'confab-comment')
    .map((e) => (e as unknown as { comment: PublicComment }).comment.id);
const commentOf = (el: Element, id: string) =>
  (
    deepAll(el.shadowRoot!).find(
      (e) =>
        e.localName === 'confab-comment' &&
        (e as unknown as { comment: PublicComment }).comment.id === id,
    ) as unknown as { comment: PublicComment } | undefined
  )?.comment;

describe('live updates in <confab-thread>', () => {
  beforeEach(() => {
    localStorage.clear();
  });

  it('opens the thread’s stream once it is on screen, as a guest with no header', async () => {
    const { fetch, stream } = await live([own({ id: 'a' })]);
    const { url, headers } = stream.call;
    expect(url.origin + url.pathname).to.equal('https://comments.example/api/v1/stream');
    expect(url.searchParams.get('site')).to.equal('myblog');
    expect(url.searchParams.get('thread')).to.equal('/post/');
    expect(url.searchParams.has('lastEventId')).to.be.false;
    expect(headers.has('authorization')).to.be.false;
    expect(headers.get('accept')).to.equal('text/event-stream');
    // Once open, the thread reads itself again: what came between its load and the stream.
    expect(reads(fetch)).to.have.length(2);
  });

  it('opens no stream with live="off"', async () => {
    const { el, fetch } = await mount([own()], {}, 'off');
    await new Promise((r) => setTimeout(r, 100));
    await settle(el);
    expect(streamCalls(fetch)).to.have.length(0);
  });

  it('holds a new top-level comment behind "1 new comment — show", and shows it on demand', async () => {
    const { el, stream } = await live([own({ id: 'a' })]);
    const fresh = comment({ id: 'n1', html: '<p>Fresh words</p>' });
    stream.send({ kind: 'comment.created', commentId: 'n1', comment: fresh }, 11);
    await waitUntil(() => text(el).includes('1 new comment — show'));
    expect(text(el)).not.to.contain('Fresh words');
    expect(said(el)).to.equal('1 new comment.');
    expect(heading(el)).to.contain('2 comments');

    stream.send({ kind: 'comment.created', commentId: 'n2', comment: comment({ id: 'n2' }) }, 12);
    await waitUntil(() => text(el).includes('2 new comments — show'));
    expect(said(el)).to.equal('2 new comments.');

    getByRole(el.shadowRoot!, 'button', '2 new comments — show').click();
    await settle(el);
    expect(shownIds(el)).to.deep.equal(['a', 'n1', 'n2']);
    expect(text(el)).not.to.contain('new comments — show');
    expect(said(el)).to.equal('Showing 2 new comments.');
    expect(heading(el)).to.contain('3 comments');
  });

  it('shows a reply to a comment on screen in place, at once', async () => {
    const { el, stream } = await live([own({ id: 'a' }), own({ id: 'b' })]);
    const reply = comment({ id: 'r', parentId: 'a', html: '<p>A reply</p>' });
    stream.send({ kind: 'comment.created', commentId: 'r', comment: reply }, 11);
    await waitUntil(() => text(el).includes('A reply'));
    const item = (id: string) =>
      deepAll(el.shadowRoot!)
        .find((e) => e.id === `comment-${id}`)!
        .closest('li')!;
    expect(item('a').querySelector('ul')!.contains(item('r'))).to.be.true;
    expect(text(el)).not.to.contain('new comment — show');
  });

  it('changes edits, scores and deletions in place, keeping the reader’s own vote', async () => {
    const { el, stream } = await live([
      own({ id: 'a', myVote: 1, score: 3 }),
      own({ id: 'b' }),
      own({ id: 'c', parentId: 'b' }),
    ]);
    stream.send(
      {
        kind: 'comment.edited',
        commentId: 'a',
        comment: comment({ id: 'a', html: '<p>Edited words</p>', score: 3, myVote: 0 }),
      },
      11,
    );
    await waitUntil(() => text(el).includes('Edited words'));
    expect(commentOf(el, 'a')?.myVote).to.equal(1);

    stream.send(
      { kind: 'comment.voted', commentId: 'a', detail: { score: 7, up: 8, down: 1 } },
      12,
    );
    await waitUntil(() => commentOf(el, 'a')?.score === 7);
    expect(commentOf(el, 'a')?.myVote).to.equal(1);

    // Held away from a guest's view, with a reply below: a placeholder stays.
    stream.send({ kind: 'comment.held', commentId: 'b', comment: null, status: 'pending' }, 13);
    await waitUntil(() => commentOf(el, 'b')?.status === 'deleted');
    stream.send({ kind: 'comment.deleted', commentId: 'c', comment: null, status: 'deleted' }, 14);
    await waitUntil(() => !shownIds(el).includes('c'));
    expect(shownIds(el)).to.deep.equal(['a', 'b']);
  });

  it('locks the thread when a moderator locks it', async () => {
    const { el, stream } = await live([own()]);
    stream.send({ kind: 'thread.locked' }, 11);
    await waitUntil(() => text(el).includes('Comments are closed.'));
  });

  it('does not double the reader’s own comment when the stream tells of it first', async () => {
    let answer!: (r: Response) => void;
    const { el, fetch, stream } = await live([own({ id: 'a' })], {
      'POST comments': () => new Promise<Response>((r) => (answer = r)),
    });
    const form = [...deepAll(el.shadowRoot!)]
      .filter((e) => e.localName === 'confab-composer')
      .at(-1)!.shadowRoot!;
    type(getByRole(form, 'textbox', 'Name'), 'Ada');
    type(getByRole(form, 'textbox', 'Comment'), 'My own words');
    getByRole(form, 'button', 'Post Comment').click();
    await waitUntil(
      () => fetch.calls.some((c) => c.method === 'POST' && c.url.pathname.endsWith('/comments')),
      'the post was not sent',
    );
    await new Promise((r) => setTimeout(r));
    const mine = comment({ id: 'mine', html: '<p>My own words</p>' });
    stream.send({ kind: 'comment.created', commentId: 'mine', comment: mine }, 11);
    await waitUntil(() => text(el).includes('1 new comment — show'));
    answer(
      json(
        { comment: mine, editToken: 't', editableUntil: new Date(Date.now() + 6e5).toISOString() },
        201,
      ),
    );
    await waitUntil(() => text(el).includes('My own words'));
    await settle(el);
    expect(shownIds(el)).to.deep.equal(['a', 'mine']);
    expect(text(el)).not.to.contain('new comment — show');
    expect(heading(el)).to.contain('2 comments');
  });

  it('keeps a guest’s own held comment that the stream says was held', async () => {
    const held = own({ id: 'h', status: 'pending', html: '<p>Mine, held</p>' });
    saveHeld('myblog:/post/', [held]);
    const { el, stream } = await live([own({ id: 'a' })]);
    await waitUntil(() => text(el).includes('Mine, held'));
    stream.send({ kind: 'comment.held', commentId: 'h', comment: null, status: 'pending' }, 11);
    await settle(el);
    expect(shownIds(el)).to.include('h');
  });

  it('resumes from the last id when the server ends the stream, and catches up', async () => {
    const { el, opened, stream } = await live([own({ id: 'a' })]);
    stream.send({ kind: 'comment.edited', commentId: 'a', comment: own({ id: 'a' }) }, 15);
    await settle(el);
    stream.end();
    await waitUntil(() => opened.length === 2, 'no second connection');
    expect(opened[1]!.call.url.searchParams.get('lastEventId')).to.equal('15');
    opened[1]!.send(
      { kind: 'comment.created', commentId: 'r', comment: comment({ id: 'r', parentId: 'a' }) },
      16,
    );
    await waitUntil(() => shownIds(el).includes('r'));
  });

  it('lets go of the stream offline and resumes from the last id online', async () => {
    const { opened, stream } = await live([own({ id: 'a' })]);
    dispatchEvent(new Event('offline'));
    await waitUntil(() => stream.aborted(), 'the stream was not let go');
    expect(opened).to.have.length(1);
    dispatchEvent(new Event('online'));
    await waitUntil(() => opened.length === 2);
    expect(opened[1]!.call.url.searchParams.get('lastEventId')).to.equal('10');
  });

  it('reloads the thread on reset', async () => {
    const { el, fetch, stream, setPage } = await live([own({ id: 'a' })]);
    setPage([own({ id: 'a' }), own({ id: 'z', html: '<p>Missed a lot</p>' })]);
    stream.send({ kind: 'reset' }, 99);
    await waitUntil(() => text(el).includes('Missed a lot'));
    expect(reads(fetch)).to.have.length(3);
  });
});

/** A bare host for the live controller, to drive it without the thread element. */
class LiveHost extends LitElement {
  client = new ApiClient('https://comments.example/');
  controller = new ThreadController(this, () => [this.client, 'myblog', '/post/', 'oldest']);
  live?: Live;
  override render() {
    return this.live?.bar();
  }
}
customElements.define('live-host', LiveHost);

describe('state/live', () => {
  async function host(handler: Handler, timing = { pauseMs: 0, silenceMs: 60_000, maxWaitMs: 50 }) {
    const fetch = withSignals(
      routes({ 'GET threads': () => json(threadResponse([])), 'GET stream': handler }),
    );
    const client = new ApiClient('https://comments.example/', fetch);
    const el = await fixture<LiveHost>(html`<live-host .client=${client}></live-host>`);
    await waitUntil(() => el.controller.status === 'complete');
    const said: string[] = [];
    el.live = new Live(
      el,
      el.controller,
      {
        api: () => el.client,
        fetch,
        site: () => 'myblog',
        thread: () => '/post/',
        say: (t) => said.push(t),
      },
      timing,
    );
    return { el, fetch, said };
  }

  it('sends a signed-in reader’s session in the header, never in the URL', async () => {
    const s = streams();
    const { el } = await host(s.handler);
    el.client.token = 'secret-token';
    el.live!.hostDisconnected();
    el.live!.hostConnected();
    await waitUntil(() => s.opened.length === 2);
    const { headers, url } = s.opened[1]!.call;
    expect(headers.get('authorization')).to.equal('Bearer secret-token');
    expect(url.href).not.to.contain('secret-token');
  });

  it('closes the stream of a tab hidden for long, and resumes from the last id once seen', async () => {
    const s = streams();
    const { el } = await host(s.handler);
    await waitUntil(() => s.opened.length === 1);
    s.opened[0]!.send({ kind: 'ready' }, 41);
    await waitUntil(() => el.live!.state === 'open');
    let hidden = true;
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      await waitUntil(() => s.opened[0]!.aborted(), 'a hidden tab kept its stream');
      expect(el.live!.state).to.equal('paused');
      hidden = false;
      document.dispatchEvent(new Event('visibilitychange'));
      await waitUntil(() => s.opened.length === 2);
      expect(s.opened[1]!.call.url.searchParams.get('lastEventId')).to.equal('41');
    } finally {
      // The document's own property goes; Document.prototype's getter shows again.
      Reflect.deleteProperty(document, 'hidden');
    }
  });

  it('waits as long as a 429 says, then tries again', async () => {
    const s = streams();
    let refused = 0;
    const { el } = await host((call) =>
      refused++ === 0
        ? problem(429, 'too_many_streams', {}, { 'retry-after': '0.05' })
        : s.handler(call),
    );
    await waitUntil(() => s.opened.length === 1, 'no retry after the 429');
    expect(refused).to.equal(2);
    s.opened[0]!.send({ kind: 'ready' }, 1);
    await waitUntil(() => el.live!.state === 'open');
  });

  it('stops for good when the server has no stream for the thread', async () => {
    let asked = 0;
    const { el } = await host(() => {
      asked++;
      return problem(404, 'site_not_found');
    });
    await waitUntil(() => el.live!.state === 'off');
    await new Promise((r) => setTimeout(r, 100));
    expect(asked).to.equal(1);
  });

  it('reads events split anywhere, with CRLF line ends and comments', async () => {
    const s = streams();
    const { el } = await host(s.handler);
    await waitUntil(() => s.opened.length === 1);
    const frame = `: heartbeat\r\nevent: comment.created\r\nid: 7\r\ndata: ${JSON.stringify({
      kind: 'comment.created',
      commentId: 'x',
      comment: comment({ id: 'x' }),
    })}\r\n\r\n`;
    for (let i = 0; i < frame.length; i += 7) s.opened[0]!.raw(frame.slice(i, i + 7));
    await waitUntil(() => el.live!.fresh.length === 1);
    expect(el.live!.lastId).to.equal('7');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('button')!.textContent).to.equal('1 new comment — show');
  });
});
