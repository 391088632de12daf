/**
 * @module state/thread-controller
 * The loading state of one thread, as a Lit ReactiveController. Like `@lit/task`, it
 * watches its arguments and reloads when one changes; unlike it, it also keeps the
 * comments it has (pages appended by "Load more", the reader's own posts, edits and
 * deletions) so the host renders one list.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PublicComment, PublicThread, SortOrder } from '../../server/contract.js';
import type { ApiClient } from '../api/client.js';
import { ConfabErrorEvent } from '../events.js';

/** Explicit states, switched on by the host's `render()`. */
export type ThreadStatus = 'initial' | 'pending' | 'complete' | 'error';

/** What a thread is loaded from; a change of any of them reloads. */
export type ThreadArgs = [client: ApiClient, site: string, thread: string, sort: SortOrder];

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

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #args: () => ThreadArgs;
  #last?: ThreadArgs;
  /** Bumped by every request, so a slow answer to an old question is ignored. */
  #seq = 0;

  constructor(host: ReactiveControllerHost & HTMLElement, args: () => ThreadArgs) {
    this.#host = host;
    this.#args = args;
    host.addController(this);
  }

  hostUpdate(): void {
    const args = this.#args();
    if (args[1] && args.some((v, i) => v !== this.#last?.[i])) {
      this.#last = args;
      void this.load();
    }
  }

  /** Loads the first page again, or with `more`, appends the next one. */
  async load(more = false): Promise<void> {
    if (!this.#last) return;
    const [client, site, thread, sort] = this.#last;
    const seq = ++this.#seq;
    this.error = undefined;
    if (more) this.loadingMore = true;
    else this.status = 'pending';
    this.#host.requestUpdate();
    try {
      const r = await client.thread({ site, thread, sort, cursor: more ? this.nextCursor : null });
      if (seq !== this.#seq) return;
      const seen = new Set(this.comments.map((c) => c.id));
      this.comments = more
        ? [...this.comments, ...r.comments.filter((c) => !seen.has(c.id))]
        : r.comments;
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

  /** Shows a comment the reader just posted: a reply after its siblings, a top-level one per sort. */
  add(comment: PublicComment): void {
    const newestFirst = !comment.parentId && this.#last?.[3] === 'newest';
    this.comments = newestFirst ? [comment, ...this.comments] : [...this.comments, comment];
    this.#recount(undefined, comment);
  }

  /** Swaps in a changed comment (an edit, or a deletion's placeholder), or with null drops it. */
  change(id: string, next: PublicComment | null): void {
    const old = this.comments.find((c) => c.id === id);
    this.comments = next
      ? this.comments.map((c) => (c.id === id ? next : c))
      : this.comments.filter((c) => c.id !== id);
    this.#recount(old, next);
  }

  /** Keeps the heading's count of published comments true without a reload. */
  #recount(old?: PublicComment, next?: PublicComment | null): void {
    const published = (c?: PublicComment | null) => +(c?.status === 'published');
    if (this.thread) this.thread.commentCount += published(next) - published(old);
    this.#host.requestUpdate();
  }
}
