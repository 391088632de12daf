/**
 * @module state/permalink
 * Permalinks, as a Lit ReactiveController of the thread. Every comment is
 * `#comment-<id>` on its page, and its time links there (mails and feeds do too). The
 * comments live in shadow DOM, where the browser cannot find a fragment, so the thread
 * does what the browser would: when the page opens on such an address, or the address
 * changes to one (a click on a time, Back), it shows that comment, loading the page of
 * the thread that holds it when it is not on screen (`around`), then highlights it,
 * scrolls it into view and focuses it. One the reader cannot see (gone, held) leaves the
 * thread as it loaded, with a note.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ConfabComment } from '../elements/confab-comment.js';
import { strings } from '../strings.js';
import type { ThreadController } from './thread-controller.js';

/** The comment id in a `#comment-<id>` fragment, or undefined when it is not one. */
export const permalinkId = (hash: string): string | undefined =>
  /^#comment-([\da-f]{8}(-[\da-f]{4}){3}-[\da-f]{12})$/i.exec(hash)?.[1]?.toLowerCase();

export class Permalink implements ReactiveController {
  /** The comment highlighted: the last one an address named that was found. */
  shown?: string;
  /** The comment the address names, until it is shown or known to be gone. */
  #wanted?: string;

  readonly #host: ReactiveControllerHost & { renderRoot: ParentNode };
  readonly #thread: ThreadController;
  /** Says a text in the thread's polite live region. */
  readonly #say: (text: string) => void;

  constructor(
    host: ReactiveControllerHost & { renderRoot: ParentNode },
    thread: ThreadController,
    say: (text: string) => void,
  ) {
    this.#host = host;
    this.#thread = thread;
    this.#say = say;
    host.addController(this);
  }

  hostConnected(): void {
    addEventListener('hashchange', this.#follow);
    this.#follow();
  }

  hostDisconnected(): void {
    removeEventListener('hashchange', this.#follow);
  }

  /**
   * The address names a comment: one on screen is shown at the next update; else the
   * thread loads the page around it (before its first load, that load does).
   */
  #follow = () => {
    const id = permalinkId(location.hash);
    if (!id) return;
    this.#wanted = id;
    if (!this.#thread.comments.some((c) => c.id === id)) {
      this.#thread.around = id;
      void this.#thread.load();
    }
    this.#host.requestUpdate();
  };

  /**
   * Before each render: once the thread has what it can have of the wanted comment, it is
   * the one highlighted, revealed after the render; or it is said to be gone.
   */
  hostUpdate(): void {
    const id = this.#wanted;
    const thread = this.#thread;
    if (!id || thread.around || thread.status !== 'complete') return;
    this.#wanted = undefined;
    // Present even when the server did not find it: a guest's own held comment, which
    // their browser keeps.
    if (!thread.comments.some((c) => c.id === id)) {
      this.#say(strings.permalinkGone);
      return;
    }
    this.shown = id;
    void this.#host.updateComplete.then(() =>
      this.#host.renderRoot.querySelector<ConfabComment>(`#comment-${id}`)?.reveal(),
    );
  }
}
