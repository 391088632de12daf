/**
 * @module state/thread-controller
 * The loading state of one thread, as a Lit ReactiveController. Like `@lit/task`, it
 * watches its arguments and reloads when one changes; unlike it, it also keeps the
 * comments it has (pages appended by "Load more", the reader's own posts, edits and
 * deletions) so the host renders one list. The reader's comments held for moderation are
 * kept in their browser (`state/storage.ts`) and shown again after a reload, until the
 * thread returns them published, or a week has passed. The live updates (`state/live.ts`, a
 * chunk) change it with `place` and `change`, like the reader's own actions do.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PublicComment, PublicThread, SortOrder } from '../../server/contract.js';
import type { ApiClient } from '../api/client.js';
import { ConfabErrorEvent } from '../events.js';
import { loadHeld, saveHeld } from './storage.js';

/** Explicit states, switched on by the host's `render()`. */
export type ThreadStatus = 'initial' | 'pending' | 'complete' | 'error';

/**
 * What a thread is loaded from; a change of any of them reloads. `reader` is whoever is
 * signed in (the server shows them their held comments, and staff everyone's).
 */
export type ThreadArgs = [
  client: ApiClient,
  site: string,
  thread: string,
  sort: SortOrder,
  reader?: unknown,
];

export class ThreadController implements ReactiveController {
  status: ThreadStatus = 'initial';
  /** Why the last full load failed. */
  error: unknown;
  thread?: PublicThread;
  /** Flat, as the server sends them: top-level comments, each followed by its replies. */
  comments: PublicComment[] = [];
  nextCursor: string | null = null;
  /** A "Load more" request is in flight. */
  loadingMore = false;
  /**
   * A permalink's comment: full loads ask for the page that holds it until one succeeds
   * (`state/permalink.ts`).
   */
  around?: string | undefined;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #args: () => ThreadArgs;
  #last?: ThreadArgs;
  /** Where this thread's held comments are kept: `<site>:<thread>`. */
  #key = '';
  /** Bumped by every request, so a slow answer to an old question is ignored. */
  #seq = 0;
  /** The comment the page on screen was read around (a permalink's), if it was. */
  #pageAround: string | undefined;

  constructor(host: ReactiveControllerHost & HTMLElement, args: () => ThreadArgs) {
    this.#host = host;
    this.#args = args;
    host.addController(this);
  }

  hostUpdate(): void {
    const args = this.#args();
    if (args[1] && args.some((v, i) => v !== this.#last?.[i])) {
      this.#last = args;
      this.#key = `${args[1]}:${args[2]}`;
      void this.load();
    }
  }

  /**
   * Loads the first page again, or with `more`, appends the next one. A reload keeps the
   * list on screen until the new one arrives (a new sort, the reader signing in).
   */
  async load(more = false): Promise<void> {
    if (!this.#last) return;
    const [client, site, thread, sort] = this.#last;
    const around = more ? undefined : this.around;
    const seq = ++this.#seq;
    this.error = undefined;
    if (more) this.loadingMore = true;
    else if (this.status !== 'complete') this.status = 'pending';
    this.#host.requestUpdate();
    try {
      const cursor = more ? this.nextCursor : null;
      const r = await client.thread({ site, thread, sort, cursor, around });
      if (seq !== this.#seq) return;
      if (!more) {
        this.#pageAround = around;
        this.around = undefined;
      }
      const got = new Map(r.comments.map((c) => [c.id, c]));
      // A page's comments replace the copies already here (the reader's own, posted or kept).
      this.comments = more
        ? [...this.comments.filter((c) => !got.has(c.id)), ...r.comments]
        : r.comments;
      // Held comments the thread now returns published are no longer the browser's to keep.
      const held = loadHeld(this.#key).filter((c) => got.get(c.id)?.status !== 'published');
      saveHeld(this.#key, held);
      if (!more) for (const c of held) if (!got.has(c.id)) this.place(c);
      this.thread = r.thread;
      this.nextCursor = r.nextCursor;
      this.status = 'complete';
    } catch (e) {
      if (seq !== this.#seq) return;
      if (!more) this.status = 'error';
      this.error = e;
      this.#host.dispatchEvent(new ConfabErrorEvent(e));
    } finally {
      if (seq === this.#seq) this.loadingMore = false;
      this.#host.requestUpdate();
    }
  }

  /**
   * Shows a comment the reader just posted, and keeps it in the browser if it is held. One
   * already shown (a replayed post whose first answer was lost, the thread reloaded since)
   * is changed in place.
   */
  add(comment: PublicComment): void {
    if (this.comments.some((c) => c.id === comment.id)) {
      this.change(comment.id, comment);
      return;
    }
    this.place(comment);
    this.#keep(comment.id, comment);
    this.#recount(undefined, comment);
  }

  /**
   * Reads the page on screen again, to catch up with what changed since it was read: the
   * page around a permalink's comment stays that page, where {@link load} reads the first.
   */
  refresh(): Promise<void> {
    this.around ??= this.#pageAround;
    return this.load();
  }

  /** A reply goes after its siblings, a top-level comment where the sort puts it. */
  place(comment: PublicComment): void {
    const newestFirst = !comment.parentId && this.#last?.[3] === 'newest';
    this.comments = newestFirst ? [comment, ...this.comments] : [...this.comments, comment];
  }

  /**
   * Swaps in a changed comment (an edit, a deletion's placeholder, a moderator's action),
   * or with null drops it. `keep` false: a held comment another reader wrote, which staff
   * see live, is not the browser's to keep.
   */
  change(id: string, next: PublicComment | null, keep = true): void {
    const old = this.comments.find((c) => c.id === id);
    this.comments = next
      ? this.comments.map((c) => (c.id === id ? next : c))
      : this.comments.filter((c) => c.id !== id);
    if (keep) this.#keep(id, next);
    this.#recount(old, next);
  }

  /** Keeps comment `id` among the held ones while it is `pending`, or forgets it. */
  #keep(id: string, next: PublicComment | null): void {
    const held = loadHeld(this.#key).filter((c) => c.id !== id);
    saveHeld(this.#key, next?.status === 'pending' ? [...held, next] : held);
  }

  /** Keeps the heading's count of published comments true without a reload. */
  #recount(old?: PublicComment, next?: PublicComment | null): void {
    const published = (c?: PublicComment | null) => +(c?.status === 'published');
    if (this.thread) this.thread.commentCount += published(next) - published(old);
    this.#host.requestUpdate();
  }
}
