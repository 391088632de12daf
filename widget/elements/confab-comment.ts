import { LitElement, css, html, nothing } from 'lit';
import type { PublicComment } from '../../server/contract.js';
import type { CommentAction } from '../events.js';
import type { Votes } from '../state/reactions.js';
import { avatar } from '../render/avatar.js';
import { safeFragment, safeUrl } from '../render/safe-html.js';
import { fullTime, relativeTime } from '../render/time.js';
import { strings } from '../strings.js';
import { shared, tokens } from '../styles/tokens.js';

const styles = css`
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25em 0.6em;
  }
  [part='author'] {
    font-weight: 600;
  }
  [part='author'] a {
    color: inherit;
  }
  [part='badge'] {
    font-size: 0.75em;
    border: 1px solid;
    border-radius: var(--_radius);
    padding: 0 0.4em;
  }
  .actions {
    display: flex;
    align-items: center;
    gap: var(--_gap);
    margin: 0;
  }
  [part~='vote-button'] {
    padding: 0 0.2em;
  }
  [part~='vote-button'][aria-pressed='true'] {
    font-weight: 700;
  }
  [part='score'] {
    min-width: 1.5ch;
    text-align: center;
  }
  [part='permalink'] {
    color: inherit;
  }
  :host([highlighted]) article {
    outline: 2px solid var(--_accent, currentColor);
    outline-offset: 0.25em;
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_accent, currentColor) 8%, transparent);
  }
`;

/**
 * One comment: avatar, author, time, body and the reader's actions on it. It shows; it
 * never talks to the server. `<confab-thread>` places it in the tree and slots a
 * composer into it when the reader replies or edits.
 *
 * @summary One comment of a thread.
 * @slot - A composer: shown in place of the body while editing, else under the comment;
 *   and for moderators, their tools.
 * @csspart base - The comment's `<article>`.
 * @csspart avatar - The picture, or the initials drawn in its place.
 * @csspart author - The author's name (a link to their website when they gave one).
 * @csspart badge - "Author" or "Moderator", and "Pinned" on a pinned comment.
 * @csspart body - The rendered comment text.
 * @csspart permalink - The time, a link to `#comment-<id>`.
 * @csspart reply-button - The Reply button.
 * @csspart action-button - The Edit and Delete buttons of one's own comment.
 * @csspart votes - The score with the ▲ and ▼ buttons around it.
 * @csspart score - The score (votes up minus votes down).
 * @csspart vote-button - ▲ and ▼ (also `up-button` and `down-button`); `aria-pressed` on the reader's vote.
 * @cssprop --confab-avatar-size - Avatar width and height.
 * @cssprop --confab-accent - Buttons and links.
 * @cssprop --confab-muted - Times and notes.
 */
export class ConfabComment extends LitElement {
  static override styles = [tokens, shared, styles];

  static override properties = {
    comment: { attribute: false },
    now: { attribute: false },
    locale: {},
    replyTo: { attribute: 'reply-to' },
    own: { type: Boolean },
    locked: { type: Boolean },
    editing: { type: Boolean },
    votes: {},
    myVote: { attribute: false },
    highlighted: { type: Boolean, reflect: true },
  };

  /** The comment to show. */
  comment?: PublicComment;

  /** "Now" in epoch ms, which relative times count from; the thread ticks it. */
  now = 0;

  /** A BCP 47 locale for times; the browser's by default. */
  locale?: string;

  /** The parent's author, shown as "in reply to …" once replies stop indenting. */
  replyTo?: string;

  /** The reader wrote this comment and may still edit or delete it. */
  own = false;

  /** No replies: the thread is locked. */
  locked = false;

  /** A composer in the slot replaces the body. */
  editing = false;

  /**
   * What it shows of votes: `score` (the default, no buttons), `up` (▲), `both` (▲ and ▼),
   * or `off` (nothing: the site takes no votes). The thread decides.
   */
  votes: Votes = 'score';

  /** The reader's own vote (pressed): 1 up, -1 down, 0 none. */
  myVote: -1 | 0 | 1 = 0;

  /** The comment the page's `#comment-<id>` names: marked, and focused by `reveal()`. */
  highlighted = false;

  /**
   * Called with what the reader pressed (Reply, Edit, Delete): `<confab-thread>`, which
   * owns the network and the open composer, acts on it. (Not reactive: nothing shows it.)
   */
  act?: (action: CommentAction, comment: PublicComment) => void;

  /**
   * The body's nodes and the HTML they were built from. Re-renders (every 15 s, for the
   * times) put the same nodes back, so a reader's selection in the text survives; the
   * nodes are rebuilt only when the HTML changes.
   */
  #body: [html?: string, nodes?: Node[]] = [];

  /** Focuses the first of this comment's buttons (after a reply or an edit closes). */
  override focus(): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector('button')?.focus());
  }

  /**
   * Scrolls this comment into view (smoothly, unless the reader asks for less motion) and
   * focuses it, so keyboard and screen-reader users go on from here.
   */
  async reveal(): Promise<void> {
    await this.updateComplete;
    const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.scrollIntoView({ block: 'center', behavior: still ? 'instant' : 'smooth' });
    this.renderRoot.querySelector('article')?.focus({ preventScroll: true });
  }

  #act(action: CommentAction, c: PublicComment) {
    return () => this.act?.(action, c);
  }

  /** ▲ or ▼: pressed when it is the reader's vote; pressing it again takes the vote back. */
  #voteButton(action: 'up' | 'down', c: PublicComment) {
    const up = action === 'up';
    return html`<button
      part="vote-button ${action}-button"
      class="link"
      aria-label=${up ? strings.voteUp : strings.voteDown}
      aria-pressed=${this.myVote === (up ? 1 : -1)}
      @click=${this.#act(action, c)}
    >
      ${up ? '▲' : '▼'}
    </button>`;
  }

  /** The score, between ▲ and ▼ when the reader may vote. */
  #votes(c: PublicComment) {
    const { votes } = this;
    if (votes === 'off') return nothing;
    return html`<span part="votes">
      ${votes === 'score' ? nothing : this.#voteButton('up', c)}
      <span part="score">${c.score}</span>
      ${votes === 'both' ? this.#voteButton('down', c) : nothing}
    </span>`;
  }

  override render() {
    const c = this.comment;
    if (!c) return nothing;
    const a = c.author;
    if (!a || c.status === 'deleted')
      return html`<article part="base" class="muted" tabindex="-1">${strings.deleted}</article>`;
    const time = Date.parse(c.createdAt);
    const href = safeUrl(a.url);
    const slot = html`<slot></slot>`;
    if (this.#body[0] !== c.html) this.#body = [c.html, [...safeFragment(c.html).childNodes]];
    return html`<article part="base" tabindex="-1">
      <header>
        ${avatar(a)}
        <span part="author" dir="auto"
          >${href ? html`<a href=${href} rel="nofollow ugc noopener noreferrer">${a.name}</a>` : a.name}</span
        >
        ${a.role ? html`<span part="badge">${strings.roles[a.role]}</span>` : nothing}
        ${c.pinned ? html`<span part="badge">${strings.pinned}</span>` : nothing}
        <a part="permalink" href="#comment-${c.id}"
          ><time datetime=${c.createdAt} title=${fullTime(time, this.locale)}
            >${relativeTime(time, this.now || Date.now(), this.locale)}</time
          ></a
        >
        ${c.editedAt ? html`<span class="muted">${strings.edited}</span>` : nothing}
        ${this.replyTo ? html`<span class="muted">${strings.inReplyTo} ${this.replyTo}</span>` : nothing}
      </header>
      ${c.status === 'pending' ? html`<p class="muted">${strings.pending}</p>` : nothing}
      ${this.editing ? slot : html`<div part="body" class="body" dir="auto">${this.#body[1]}</div>`}
      <p class="actions">
        ${this.#votes(c)}
        ${
          this.locked || c.status !== 'published'
            ? nothing
            : html`<button part="reply-button" class="link" @click=${this.#act('reply', c)}>
                ${strings.reply}
              </button>`
        }
        ${
          this.own && !this.editing
            ? html`<button part="action-button" class="link" @click=${this.#act('edit', c)}>
                  ${strings.edit}
                </button>
                <button part="action-button" class="link" @click=${this.#act('delete', c)}>
                  ${strings.delete}
                </button>`
            : nothing
        }
      </p>
      ${this.editing ? nothing : slot}
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-comment': ConfabComment;
  }
}
