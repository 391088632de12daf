import { LitElement, css, html, nothing } from 'lit';
import type {
  ModActionRequest,
  ModActionResponse,
  ModerationAction,
  PublicComment,
  SessionUser,
} from '../../server/contract.js';
import { ApiError } from '../api/errors.js';
import { ConfabCommentModeratedEvent } from '../events.js';
import { later } from '../strings-later.js';
import { errorText } from '../strings.js';
import { shared, tokens } from '../styles/tokens.js';
import type { ThreadHost } from './thread-host.js';

const styles = css`
  p {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
    margin: 0.5em 0 0;
  }
`;

/**
 * A moderator's buttons on one comment: Approve (a held comment), Delete, Spam, and Pin or
 * Unpin (a top-level comment), shown when `user` owns or moderates the site.
 * `<confab-thread>` puts one in every comment, but loads this module (a chunk of its own,
 * which registers the element) only for such a reader: for anyone else the tag stays an
 * empty unknown element. Each button sends `POST /api/v1/moderation/actions` through the
 * thread (so with the reader's session), and reports what the server did with
 * `confab-comment-moderated`, on which the thread changes in place: an approved comment
 * shows as published, a deleted one or spam leaves (or leaves its placeholder when it has
 * replies), a pinned one moves to the top.
 *
 * @summary Approve, delete, spam and pin buttons for the site's staff.
 * @fires confab-comment-moderated - An action succeeded; `comment` is the comment as it is now.
 * @fires confab-error - An action failed; `code` says why (dispatched by the thread).
 * @csspart button - An action's button.
 * @csspart error - Why the last action failed.
 */
export class ConfabModTools extends LitElement {
  static override styles = [tokens, shared, styles];

  static override properties = {
    comment: { attribute: false },
    thread: { attribute: false },
    user: { attribute: false },
    busy: { state: true },
    error: { state: true },
  };

  /** The comment acted on. */
  comment?: PublicComment;

  /**
   * The `<confab-thread>` the comment is in: requests go through it, carrying the
   * moderator's session (and telling the page when they fail).
   */
  thread?: ThreadHost;

  /** The signed-in reader: the tools show for a site's owners and moderators only. */
  user?: SessionUser | undefined;

  private busy = false;
  private error = '';

  /** The actions that apply to the comment as it is now. */
  #actions(c: PublicComment): ModerationAction[] {
    const list: ModerationAction[] = [];
    if (c.status === 'pending') list.push('approve');
    list.push('delete', 'spam');
    if (!c.parentId && c.status === 'published') list.push(c.pinned ? 'unpin' : 'pin');
    return list;
  }

  async #act(action: ModerationAction) {
    const { comment, thread } = this;
    const ask = later.confirm[action];
    if (!comment || !thread || this.busy || (ask && !confirm(ask))) return;
    this.busy = true;
    this.error = '';
    try {
      const request: ModActionRequest = { site: thread.site, action, ids: [comment.id] };
      const response = await thread.request((api) =>
        api.send<ModActionResponse>('POST', 'api/v1/moderation/actions', request),
      );
      const moderated = response.comments.find((m) => m.id === comment.id);
      if (moderated) {
        // The public fields only: a moderator's view also has the author's email.
        const now = {
          ...comment,
          status: moderated.status,
          pinned: moderated.pinned,
          html: moderated.html,
        };
        this.dispatchEvent(new ConfabCommentModeratedEvent(action, now));
      }
    } catch (e) {
      this.error =
        e instanceof ApiError && e.code === 'invalid_state' ? later.invalidState : errorText(e);
    }
    this.busy = false;
  }

  override render() {
    const c = this.comment;
    if (!c || !this.user?.role || c.status === 'deleted') return nothing;
    return html`<p role="group" aria-label=${later.moderate}>
        ${this.#actions(c).map(
          (a) =>
            html`<button
              part="button"
              class="link"
              ?disabled=${this.busy}
              @click=${() => void this.#act(a)}
            >
              ${later.actions[a]}
            </button>`,
        )}
      </p>
      <p role="alert" part="error">${this.error}</p>`;
  }
}

if (!customElements.get('confab-mod-tools'))
  customElements.define('confab-mod-tools', ConfabModTools);

declare global {
  interface HTMLElementTagNameMap {
    'confab-mod-tools': ConfabModTools;
  }
}
