/**
 * @module state/live
 * Live updates of a thread: a chunk `<confab-thread>` loads once the thread is on screen
 * (unless `live="off"`), as a Lit ReactiveController of the thread. It reads the thread's
 * stream (`api/stream.ts`) and applies each event to the thread's state
 * (`live-events.ts`): edits, deletions, moderation and scores change in place, a reply to
 * a comment on screen appears under it, and new top-level comments wait behind "N new
 * comments — show" (said politely), so the page never jumps under the reader. The reader's
 * own new comment, which the stream may tell of before the post is answered, is shown once.
 *
 * It keeps the id of the last event. After a lost connection, a tab hidden for a minute
 * (its stream closes), the reader going offline, or a sign-in (which may show more), it
 * resumes from that id: the server replays what was missed, nothing twice. When that is
 * too much (`reset`), or comments were imported, the thread reloads. The first connection
 * starts after the page was read, so once it is open the thread reloads once to catch what
 * came in between (a revalidated, usually unchanged page).
 *
 * Failures stay quiet (no `confab-error`: the reader asked for nothing); a refusal that
 * waiting cures (429, a server error, the network) is retried later, any other ends it.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { LiveEvent, PublicComment } from '../../server/contract.js';
import type { ApiClient, Fetch } from '../api/client.js';
import { openStream, readStream } from '../api/stream.js';
import type { ConfabCommentPostedEvent } from '../events.js';
import { live as text } from '../strings-live.js';
import { applyEvent } from './live-events.js';
import type { ThreadController } from './thread-controller.js';

/** What the thread gives its live updates. */
export interface LiveSource {
  /** The thread's client: its server, and the reader's session. */
  api(): ApiClient;
  readonly fetch: Fetch;
  site(): string;
  /** The thread's key. */
  thread(): string;
  /** Says `words` in the thread's polite live region; focuses comment `id` when given. */
  say(words: string, id?: string): void;
}

export interface LiveTiming {
  /** A hidden tab's stream closes after this long; it resumes when the tab shows again. */
  pauseMs: number;
  /** Nothing for this long (the server beats every 25 s): the connection is taken for lost. */
  silenceMs: number;
  /** The longest wait between two attempts. */
  maxWaitMs: number;
}

const TIMING: LiveTiming = { pauseMs: 60_000, silenceMs: 120_000, maxWaitMs: 60_000 };

export type LiveState = 'connecting' | 'open' | 'paused' | 'waiting' | 'off';

export class Live implements ReactiveController {
  /** The id of the last event received: where the next connection resumes. */
  lastId?: string;
  /**
   * `open`; `connecting`; `waiting` to try again; `paused` (hidden, offline, disconnected);
   * `off`: the server refused for good (no such site, no live streams there).
   */
  state: LiveState = 'paused';
  /** New comments from others, held back until the reader shows them. */
  fresh: PublicComment[] = [];

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #thread: ThreadController;
  readonly #source: LiveSource;
  readonly #timing: LiveTiming;
  #abort?: AbortController;
  #retry?: ReturnType<typeof setTimeout>;
  #silence?: ReturnType<typeof setTimeout>;
  #hidden?: ReturnType<typeof setTimeout>;
  /** The server's `retry:` hint. */
  #retryMs = 5000;
  #failures = 0;
  /** The session token the open stream was opened with. */
  #token?: string | undefined;
  /** The thread has been reloaded after the first connection opened. */
  #caughtUp = false;

  constructor(
    host: ReactiveControllerHost & HTMLElement,
    thread: ThreadController,
    source: LiveSource,
    timing: LiveTiming = TIMING,
  ) {
    this.#host = host;
    this.#thread = thread;
    this.#source = source;
    this.#timing = timing;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#onVisibility);
    addEventListener('online', this.#reconnect);
    addEventListener('offline', this.#pause);
    this.#host.addEventListener('confab-comment-posted', this.#onPosted);
    if (!document.hidden) this.#reconnect();
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#onVisibility);
    removeEventListener('online', this.#reconnect);
    removeEventListener('offline', this.#pause);
    this.#host.removeEventListener('confab-comment-posted', this.#onPosted);
    clearTimeout(this.#hidden);
    this.#stop('paused');
  }

  /**
   * Comments a reload brought are no longer waiting. A reader who signed in or out may see
   * other things: the stream starts again for them.
   */
  hostUpdate(): void {
    const shown = new Set(this.#thread.comments.map((c) => c.id));
    if (this.fresh.some((c) => shown.has(c.id))) {
      this.fresh = this.fresh.filter((c) => !shown.has(c.id));
    }
    const live = this.state === 'open' || this.state === 'connecting';
    if (live && this.#source.api().token !== this.#token) this.#reconnect();
  }

  /** "N new comments — show", while new top-level comments wait. */
  bar() {
    const n = this.fresh.length;
    return n
      ? html`<button part="button new-comments" @click=${this.#show}>${text.show(n)}</button>`
      : nothing;
  }

  /** Shows the waiting comments where the sort puts them; the first on screen gets the focus. */
  #show = () => {
    const shown = this.fresh;
    this.fresh = [];
    for (const c of shown) this.#thread.place(c);
    const ids = new Set(shown.map((c) => c.id));
    const first = this.#thread.comments.find((c) => ids.has(c.id) && !c.parentId);
    this.#host.requestUpdate();
    this.#source.say(text.shown(shown.length), first?.id);
  };

  /**
   * The reader's own comment, posted and now shown by the thread: if the stream told of it
   * first, it waits no more, and the heading counted it once already.
   */
  #onPosted = ({ comment }: ConfabCommentPostedEvent) => {
    const waiting = this.fresh.find((c) => c.id === comment.id);
    if (!waiting) return;
    this.fresh = this.fresh.filter((c) => c !== waiting);
    const info = this.#thread.thread;
    if (info && waiting.status === 'published') info.commentCount--;
    this.#host.requestUpdate();
  };

  #onVisibility = () => {
    clearTimeout(this.#hidden);
    if (document.hidden) this.#hidden = setTimeout(this.#pause, this.#timing.pauseMs);
    else if (this.state === 'paused') this.#reconnect();
  };

  #pause = () => {
    this.#stop('paused');
  };

  #reconnect = () => {
    if (this.state !== 'off') void this.#connect();
  };

  #stop(state: LiveState): void {
    this.#abort?.abort();
    this.#abort = undefined;
    clearTimeout(this.#retry);
    clearTimeout(this.#silence);
    this.state = state;
  }

  /** The connection lives: the watchdog starts over. */
  #alive = () => {
    clearTimeout(this.#silence);
    this.#silence = setTimeout(() => {
      this.#failures++;
      this.#reconnect();
    }, this.#timing.silenceMs);
  };

  /** Tries again later: the server's delay, doubled with each failure, up to a minute. */
  #later(ms?: number): void {
    this.#stop('waiting');
    const backoff = Math.min(this.#retryMs * 2 ** this.#failures, this.#timing.maxWaitMs);
    // Spread out, so that a restarted server is not met by every reader at once.
    this.#retry = setTimeout(this.#reconnect, ms ?? backoff * (0.5 + Math.random() / 2));
  }

  async #connect(): Promise<void> {
    this.#stop('connecting');
    const abort = (this.#abort = new AbortController());
    const api = this.#source.api();
    this.#token = api.token;
    const query = { site: this.#source.site(), thread: this.#source.thread(), lastId: this.lastId };
    try {
      const res = await openStream(api, this.#source.fetch, query, abort.signal);
      // Anything but a stream (a proxy's page, an old server's JSON) is no stream.
      const stream = /^text\/event-stream/.test(res.headers.get('content-type') ?? '');
      if (!res.ok || !stream || !res.body) {
        if (res.status === 429 || res.status >= 500) {
          this.#failures++;
          const after = Number(res.headers.get('retry-after')) * 1000;
          this.#later(after > 0 ? after : undefined);
        } else this.#stop('off');
        return;
      }
      this.state = 'open';
      this.#failures = 0;
      this.#alive();
      await readStream(res.body, {
        event: (e, id) => {
          this.#receive(e, id, query.lastId);
        },
        retry: (ms) => (this.#retryMs = ms),
        alive: this.#alive,
      });
    } catch {
      // The network, or this connection being stopped (then abort says so).
      if (!abort.signal.aborted) this.#failures++;
    }
    // The server ended the stream (it restarts), or it broke: again, from the last id.
    if (!abort.signal.aborted) this.#later();
  }

  #receive(e: LiveEvent, id: string | undefined, resumedFrom: string | undefined): void {
    if (id) this.lastId = id;
    const thread = this.#thread;
    if (e.kind === 'ready') {
      if (!resumedFrom && !this.#caughtUp) void thread.refresh();
      this.#caughtUp = true;
    } else if (e.kind === 'reset' || e.kind === 'thread.imported') void thread.load();
    else {
      const waiting = this.fresh.length;
      const key = `${this.#source.site()}:${this.#source.thread()}`;
      this.fresh = applyEvent(thread, this.fresh, e, key);
      const n = this.fresh.length;
      if (n > waiting) this.#source.say(text.arrived(n));
      this.#host.requestUpdate();
    }
  }
}
