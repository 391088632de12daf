/**
 * @module state/reactions
 * Votes on comments and likes of the post: a chunk `<confab-thread>` loads once the thread
 * is on screen, as a Lit ReactiveController of the thread. The thread's shared page has
 * the counts only (the same page for every reader); this reads what is the reader's own
 * (`GET /api/v1/reactions`: their votes, the comments they wrote, whether they like the
 * post, and whether the site takes votes and downvotes), and again whenever the reader
 * signs in or out. Until it has, the thread shows scores and the like count without
 * buttons.
 *
 * A signed-in reader votes and likes with their session; a guest with a voter token their
 * browser makes once (`crypto.getRandomValues`) on their first vote or like and keeps in
 * localStorage (`confab:voter`), as it keeps edit tokens. Whoever holds it can change that
 * guest's votes, so it never leaves that browser but for this server.
 *
 * Votes and likes show at once and are then sent; a refusal puts back what was there
 * and resolves to the reason, which the thread shows.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type {
  ErrorCode,
  PublicComment,
  ThreadLikes,
  VoteResponse,
  VoteSettings,
} from '../../server/contract.js';
import type { ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { likeThread, readReactions, voteComment } from '../api/reactions.js';
import type { ThreadHost } from '../elements/thread-host.js';
import { later } from '../strings-later.js';
import { errorText } from '../strings.js';
import { loadGrant, readStored, writeStored } from './storage.js';
import type { ThreadController } from './thread-controller.js';

/**
 * What a comment shows of votes: nothing (`off`, the site takes none), its score alone
 * (`score`: the reader's own comment, a locked thread, a held comment, or the reader's
 * votes not known yet), or the score between ▲ (`up`) and ▼ too (`both`).
 */
export type Votes = 'off' | 'score' | 'up' | 'both';

/** What the thread gives its reactions. */
export interface ReactionsSource {
  /** The thread's client: its server, and the reader's session. */
  api(): ApiClient;
  site(): string;
  /** The thread's key. */
  thread(): string;
  /** The post's title and URL: a like of a post nobody has commented on makes its thread. */
  page(): { threadTitle: string; threadUrl: string };
}

type Vote = -1 | 0 | 1;

const VOTER_KEY = 'confab:voter';
/** What the server takes as a voter token. */
const VOTER_SHAPE = /^[\w-]{22,128}$/;

/** The browser's voter token, if it has made one. */
function storedVoter(): string | undefined {
  const v = readStored(VOTER_KEY);
  return typeof v === 'string' && VOTER_SHAPE.test(v) ? v : undefined;
}

/** A new voter token: 16 random bytes as 22 characters of base64url. */
function newVoter(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** The reason for a refusal, as the reader reads it. */
const refusal = (e: unknown): string =>
  (e instanceof ApiError && later.refusals[e.code]) || errorText(e);

export class Reactions implements ReactiveController {
  /** What the site allows, once the reader's reactions have been read. */
  settings?: VoteSettings;
  /** The reader likes the post. */
  liked = false;

  readonly #host: ReactiveControllerHost & ThreadHost;
  readonly #thread: ThreadController;
  readonly #source: ReactionsSource;
  /** The reader's votes by comment id (none: 0). */
  #votes = new Map<string, Vote>();
  /** Comments the reader wrote (signed in, from the server; or refused as their own). */
  #mine = new Set<string>();
  /** The guest's voter token, once made or read. */
  #voter?: string | undefined;
  /** The session, site and thread the reactions were last read for. */
  #readFor?: string;
  /** Bumped by every read, so that a slow answer for a reader who has gone is ignored. */
  #seq = 0;

  constructor(
    host: ReactiveControllerHost & ThreadHost,
    thread: ThreadController,
    source: ReactionsSource,
  ) {
    this.#host = host;
    this.#thread = thread;
    this.#source = source;
    host.addController(this);
  }

  hostConnected(): void {
    this.hostUpdate();
  }

  /** A reader who signed in or out (or another thread) has reactions of their own: read them. */
  hostUpdate(): void {
    const s = this.#source;
    const key = JSON.stringify([s.api().token, s.site(), s.thread()]);
    if (key !== this.#readFor) {
      this.#readFor = key;
      void this.#read();
    }
  }

  /** The reader's vote on comment `id`. */
  myVote(id: string): Vote {
    return this.#votes.get(id) ?? 0;
  }

  /** What comment `c` shows of votes (see {@link Votes}). */
  votes(c: PublicComment): Votes {
    const s = this.settings;
    if (!s) return 'score';
    if (!s.votes) return 'off';
    const own = this.#mine.has(c.id) || loadGrant(c.id) !== undefined;
    if (own || this.#thread.thread?.locked || c.status !== 'published') return 'score';
    // ▼ stays for a reader who voted down before downvotes were turned off: to take it back.
    return s.downvotes || this.myVote(c.id) === -1 ? 'both' : 'up';
  }

  /**
   * The reader pressed ▲ (1) or ▼ (-1) on `c`: that vote, or pressed again, none. Resolves
   * to '' once the server took it, or to why it refused (the vote is then as it was).
   */
  async vote(c: PublicComment, pressed: -1 | 1): Promise<string> {
    const before = this.myVote(c.id);
    const value = before === pressed ? 0 : pressed;
    this.#move(c.id, before, value);
    try {
      const r = await this.#host.request((api) =>
        voteComment(api, c.id, value, this.#voterFor(api)),
      );
      this.#counts(r);
      return '';
    } catch (e) {
      this.#move(c.id, value, before);
      if (e instanceof ApiError) this.#learn(c.id, e.code);
      return refusal(e);
    }
  }

  /** The reader pressed Like: likes the post, or takes the like back (as {@link vote} resolves). */
  async like(): Promise<string> {
    const liked = !this.liked;
    this.#liking(liked);
    try {
      const s = this.#source;
      const request = liked ? { liked, ...s.page() } : { liked };
      const likes = await this.#host.request((api) =>
        likeThread(api, s.site(), s.thread(), request, this.#voterFor(api)),
      );
      this.#likes(likes);
      return '';
    } catch (e) {
      this.#liking(!liked);
      return refusal(e);
    }
  }

  /**
   * What a refused vote on comment `id` tells (as docs/api.md advises): it is the reader's
   * own, the site takes no votes or no downvotes now, or the thread was locked. The buttons
   * that cannot work go.
   */
  #learn(id: string, code: ErrorCode): void {
    const s = this.settings;
    if (code === 'own_comment') this.#mine.add(id);
    else if (code === 'votes_disabled') this.settings = { votes: false, downvotes: false };
    else if (code === 'downvotes_disabled' && s) this.settings = { ...s, downvotes: false };
    else if (code === 'thread_locked' && this.#thread.thread) this.#thread.thread.locked = true;
  }

  /** Reads the reader's reactions; a failure leaves the counts without buttons, quietly. */
  async #read(): Promise<void> {
    const seq = ++this.#seq;
    const s = this.#source;
    const api = s.api();
    try {
      const voter = api.token ? undefined : (this.#voter ??= storedVoter());
      const r = await readReactions(api, s.site(), s.thread(), voter);
      if (seq !== this.#seq) return;
      this.settings = r.settings;
      this.#votes = new Map(Object.entries(r.myVotes));
      this.#mine = new Set(r.mine);
      this.#likes(r.likes);
    } catch {
      if (seq !== this.#seq) return;
      this.settings = undefined;
    }
    this.#host.requestUpdate();
  }

  /** The guest's voter token, made on their first vote or like; signed in, none. */
  #voterFor(api: ApiClient): string | undefined {
    if (api.token) return undefined;
    if (!this.#voter) {
      this.#voter = storedVoter() ?? newVoter();
      writeStored(VOTER_KEY, this.#voter);
    }
    return this.#voter;
  }

  /** Moves the reader's vote on comment `id` from `from` to `to`, and its counts with it. */
  #move(id: string, from: Vote, to: Vote): void {
    this.#votes.set(id, to);
    const c = this.#thread.comments.find((x) => x.id === id);
    if (c) {
      const up = Number(to === 1) - Number(from === 1);
      const down = Number(to === -1) - Number(from === -1);
      this.#thread.change(
        id,
        {
          ...c,
          score: c.score + up - down,
          upvotes: (c.upvotes ?? 0) + up,
          downvotes: (c.downvotes ?? 0) + down,
        },
        false,
      );
    }
  }

  /** The counts and the reader's vote as the server answered them. */
  #counts(r: VoteResponse): void {
    this.#votes.set(r.commentId, r.myVote);
    const c = this.#thread.comments.find((x) => x.id === r.commentId);
    if (c) {
      const { score, upvotes, downvotes } = r;
      this.#thread.change(c.id, { ...c, score, upvotes, downvotes }, false);
    }
  }

  /** Shows the reader's like as given (or taken back), before the server answers. */
  #liking(liked: boolean): void {
    this.liked = liked;
    const info = this.#thread.thread;
    if (info) info.likeCount = Math.max(0, info.likeCount + (liked ? 1 : -1));
    this.#host.requestUpdate();
  }

  /** The post's likes as the server says them now. */
  #likes(likes: ThreadLikes): void {
    this.liked = likes.liked;
    const info = this.#thread.thread;
    if (info) {
      info.likeCount = likes.likeCount;
      info.likers = likes.likers;
    }
    this.#host.requestUpdate();
  }
}
