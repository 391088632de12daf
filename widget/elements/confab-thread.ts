import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type {
  CreateCommentRequest,
  PublicComment,
  SessionUser,
  SortOrder,
} from '../../server/contract.js';
import { ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import {
  ConfabCommentDeletedEvent,
  ConfabCommentEditedEvent,
  ConfabCommentPostedEvent,
  ConfabErrorEvent,
  type CommentAction,
  type ConfabCommentModeratedEvent,
  type ConfabSignedInEvent,
} from '../events.js';
import { avatar } from '../render/avatar.js';
import type { Guard } from '../state/guard.js';
import type { Live } from '../state/live.js';
import type { Reactions } from '../state/reactions.js';
import { loadGrant, saveGrant } from '../state/storage.js';
import { Permalink } from '../state/permalink.js';
import { ThreadController } from '../state/thread-controller.js';
import { errorText, strings } from '../strings.js';
import { shared, tokens } from '../styles/tokens.js';
import { SORTS, checked, isDepth, isLocale, isSort } from './attributes.js';
import type { ConfabComment } from './confab-comment.js';
import type { ConfabComposer, Draft } from './confab-composer.js';
import { ConfabElement } from './confab-element.js';
import { styles } from './confab-thread.styles.js';
import type { ThreadHost } from './thread-host.js';

/** `exportparts` that exposes a child's parts as `<prefix>__<part>` (Shoelace's convention). */
const exportParts = (prefix: string, parts: string) =>
  parts
    .split(' ')
    .map((part) => `${part}:${prefix}__${part}`)
    .join(',');
const COMMENT_PARTS = exportParts(
  'comment',
  'base avatar author badge body reply-button action-button votes score vote-button up-button down-button',
);
const COMPOSER_PARTS = exportParts(
  'composer',
  'form heading input textarea hint preview button submit-button error',
);

/** The composer open inside a comment: a reply to it, or an edit of it. */
interface OpenComposer {
  id: string;
  edit: boolean;
  draft: Partial<Draft>;
}

/**
 * The whole comment section of a page: "N comments on “Title”", the threaded list with
 * Reply, and "Leave a Reply". It finds its server from its own script's URL, its thread
 * from `location.pathname` and its title from `document.title`, so
 * `<confab-thread site="myblog"></confab-thread>` is all a page needs. An attribute it
 * cannot use falls back to its default, with a warning in the console.
 *
 * It is the only element that talks to the server: it owns the {@link ApiClient} and the
 * thread's state, and acts on what its comments, composers and tools ask for or report.
 * Once the thread and its form are on screen it loads `<confab-sign-in>` (a chunk of its
 * own), hands it the client, and posts as the reader it reports signed in. A guest's first
 * keystroke or focus in a form loads the spam guard (`state/guard.ts`, a chunk too),
 * through which guests post. Every comment holds a `<confab-mod-tools>`, which only the
 * site's owners and moderators load (a chunk) and see; editing and deleting one's own
 * comment is a chunk as well (`state/own.ts`). Those chunks send their requests through
 * the thread's {@link ThreadHost} interface, and never change the thread themselves. A
 * page opened on a comment's permalink, `#comment-<id>`, shows the page of the thread
 * that holds it, highlighted and focused (`state/permalink.ts`). Once on screen it loads its
 * live updates (`state/live.ts`, a chunk; `live="off"` goes without): what others write,
 * edit, delete or vote shows without a reload, new comments behind "N new comments — show".
 * Under the heading, "N readers like this" with the avatars of signed-in likers; each
 * comment shows its score. The reader's own votes and like, their ▲ ▼ and Like buttons, and
 * what the site allows (votes, downvotes) come with a chunk loaded once the thread is on
 * screen (`state/reactions.ts`), which sends votes and likes through the thread.
 *
 * @summary A page's comment thread with its form.
 * @fires confab-comment-posted - The reader posted a comment (published or held).
 * @fires confab-comment-edited - The reader edited their comment.
 * @fires confab-comment-deleted - The reader deleted their comment.
 * @fires confab-comment-moderated - A moderator acted on a comment (from `<confab-mod-tools>`).
 * @fires confab-error - A request failed; `code` says why.
 * @fires confab-signed-in - The reader signed in (from `<confab-sign-in>`).
 * @fires confab-signed-out - The reader logged out, or their session ended.
 * @fires confab-guest-chosen - The reader chose to comment as a guest (from `<confab-sign-in>`).
 * @csspart thread - The section around everything.
 * @csspart heading - "N comments on “Title”".
 * @csspart sort - The sort selector.
 * @csspart status - "Loading comments…", "Be the first to comment.", announcements.
 * @csspart error - A load error (with the Retry button), or a failed deletion.
 * @csspart list - Each list of comments (nested for replies).
 * @csspart item - A list item: a comment and its replies.
 * @csspart comment - A `<confab-comment>`; its own parts are `comment__author` etc.
 * @csspart composer - A `<confab-composer>`; its own parts are `composer__input` etc.
 * @csspart likes - "N readers like this", with the Like button and the likers' avatars.
 * @csspart like-button - Like / Liked (`aria-pressed`); also a `button`.
 * @csspart avatar - A liker's avatar, in `likes`.
 * @csspart feed - The line with the link to the thread's Atom feed.
 * @csspart manage - The link to the server's page where guests edit or erase their comments.
 * @csspart sign-in - The `<confab-sign-in>` above the form.
 * @csspart button - Retry, "Load more comments", "N new comments — show" and Like.
 * @csspart new-comments - "N new comments — show" (live updates).
 * @cssprop --confab-accent - Buttons, links and focus rings. Default: a blue for light or dark.
 * @cssprop --confab-accent-text - Text on the accent. Default: white (black in dark mode).
 * @cssprop --confab-border - Borders and reply lines. Default: 22% of the text colour.
 * @cssprop --confab-muted - Times and notes. Default: 72% of the text colour.
 * @cssprop --confab-radius - Corner radius of controls. Default: 6px.
 * @cssprop --confab-gap - Space between comments. Default: 1rem.
 * @cssprop --confab-avatar-size - Avatar width and height. Default: 2.5rem.
 */
export class ConfabThread extends ConfabElement implements ThreadHost {
  static override styles = [tokens, shared, styles];

  static override properties = {
    pageTitle: { attribute: 'title' },
    sort: {},
    maxDepth: { attribute: 'max-depth', type: Number },
    locale: {},
    live: {},
    open: { state: true },
    said: { state: true },
    failed: { state: true },
    now: { state: true },
    user: { state: true },
    guestsRefused: { state: true },
    refusedToken: { state: true },
  };

  /** The page's title for the heading and the server; by default `document.title`. */
  pageTitle = '';

  /** `off`: no live updates (others' comments show on the next load). Read on first render. */
  live = '';

  #sort: SortOrder = 'oldest';
  #maxDepth = 4;
  #locale: string | undefined;

  /** The order of top-level comments: `oldest` (the default), `newest` or `top`. */
  get sort(): SortOrder {
    return this.#sort;
  }
  set sort(value: unknown) {
    this.#sort = checked(this, 'sort', value, isSort, `one of ${SORTS.join(', ')}`) ?? 'oldest';
  }

  /** How deep replies indent (4 by default); deeper ones continue there, "in reply to …". */
  get maxDepth(): number {
    return this.#maxDepth;
  }
  set maxDepth(value: unknown) {
    this.#maxDepth = checked(this, 'max-depth', value, isDepth, 'a whole number from 1') ?? 4;
  }

  /** A BCP 47 locale for dates and times; the browser's by default. */
  get locale(): string | undefined {
    return this.#locale;
  }
  set locale(value: unknown) {
    this.#locale = checked(this, 'locale', value, isLocale, 'a BCP 47 language tag like en-GB');
  }

  // The thread's own state. Lit's reactive state needs named properties, so these are
  // TypeScript-private; nothing outside this class uses them.

  /** The composer open inside a comment, if any. */
  private open?: OpenComposer | undefined;
  /** What the polite live region says. */
  private said = '';
  /** A failure outside any form (deleting, loading more). */
  private failed = '';
  /** The clock for relative times and edit windows; ticks while connected. */
  private now = 0;
  /** The signed-in reader, if any. */
  private user?: SessionUser | undefined;
  /** The site refused a guest's comment: the sign-in box puts its buttons forward. */
  private guestsRefused = false;
  /** The session token the server last refused (`not_signed_in`): the sign-in box ends it. */
  private refusedToken?: string | undefined;

  #client?: ApiClient | undefined;
  /** A guest's spam guard, made when they first write. */
  #guard?: Guard | undefined;
  #timer?: ReturnType<typeof setInterval>;
  /** The sign-in box's chunk has been asked for. */
  #signInLoading = false;
  /** Live updates, once their chunk is loaded (`state/live.ts`). */
  #live?: Live;
  /** The reader's votes and like, once their chunk is loaded (`state/reactions.ts`). */
  #reactions?: Reactions;
  readonly #controller = new ThreadController(this, () => [
    this.#api(),
    this.site,
    this.threadKey(),
    this.sort,
    this.user,
  ]);
  /** `#comment-<id>`: the page around that comment, highlighted (`state/permalink.ts`). */
  readonly #permalink = new Permalink(this, this.#controller, (text) => {
    this.#announce(text);
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.now = Date.now();
    this.#timer = setInterval(() => (this.now = Date.now()), 15_000);
    this.addEventListener('confab-error', this.#onError);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
    this.removeEventListener('confab-error', this.#onError);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated && !this.site) console.warn('[confab] <confab-thread> needs a site');
    if (changed.has('server') || changed.has('fetch')) this.#client = this.#guard = undefined;
  }

  override updated(): void {
    // Reading and writing as a guest need no sign-in box: its chunk (which registers
    // `<confab-sign-in>`) loads once the thread and its form are on screen, after the
    // browser has painted them. If it cannot load (offline, an old cached bundle), the
    // thread works without it.
    if (this.#controller.thread && !this.#signInLoading) {
      this.#signInLoading = true;
      requestAnimationFrame(() => {
        setTimeout(() => {
          import('./confab-sign-in.js').catch(() => undefined);
          import('../state/reactions.js')
            .then(({ Reactions }) => {
              this.#reactions = new Reactions(this, this.#controller, {
                api: () => this.#api(),
                site: () => this.site,
                thread: () => this.threadKey(),
                page: () => ({ threadTitle: this.#titleText(), threadUrl: this.#pageUrl() }),
              });
            })
            .catch(() => undefined);
          if (this.live !== 'off')
            import('../state/live.js')
              .then(({ Live }) => {
                this.#live = new Live(this, this.#controller, {
                  api: () => this.#api(),
                  fetch: (input, init) => (this.fetch ?? fetch)(input, init),
                  site: () => this.site,
                  thread: () => this.threadKey(),
                  say: (text, id) => {
                    this.#announce(text, id);
                  },
                });
              })
              .catch(() => undefined);
        });
      });
    }
    // Owners and moderators: their tools, a chunk of their own too.
    if (this.user?.role) import('./confab-mod-tools.js').catch(() => undefined);
  }

  /** The client for the current `server` and `fetch`, made when first needed after a change. */
  #api(): ApiClient {
    return (this.#client ??= new ApiClient(this.serverUrl(), this.fetch));
  }

  #titleText() {
    return this.pageTitle || document.title;
  }

  /** The post's URL, as the thread's first comment or like gives it. */
  #pageUrl() {
    return location.href.split('#')[0] ?? '';
  }

  /**
   * Sends a request through the thread's client, with the reader's session if any. A
   * failure is dispatched as `confab-error` and rethrown, for the caller to show. (The
   * {@link ThreadHost} interface of the chunks.)
   */
  async request<T>(send: (api: ApiClient) => Promise<T>): Promise<T> {
    try {
      return await send(this.#api());
    } catch (e) {
      this.dispatchEvent(new ConfabErrorEvent(e));
      throw e;
    }
  }

  /**
   * Every failure in the thread passes here (its own requests, the thread's loading, the
   * sign-in box's): a site that takes no guests puts the sign-in buttons forward, and a
   * session token the server no longer takes (expired, revoked, logged out elsewhere) is
   * over, which the sign-in box is told.
   */
  #onError = (e: ConfabErrorEvent) => {
    if (e.code === 'guests_not_allowed') this.guestsRefused = true;
    if (e.code === 'not_signed_in') this.refusedToken = this.#api().token;
  };

  /** `<confab-sign-in>` says who the reader is now (both events: no user when signed out). */
  #onSession = (e: Partial<ConfabSignedInEvent>) => {
    this.user = e.user;
    this.#api().token = e.token;
  };

  /** "Comment as a guest": to the first field of the main form. */
  #onGuestChosen = () => {
    this.renderRoot.querySelector<ConfabComposer>('#leave-a-reply')?.focus();
  };

  /** The reader may edit or delete comment `id`: a guest's by its token, their own signed in. */
  #mine(id: string) {
    const grant = loadGrant(id, this.now);
    return grant !== undefined && (grant.token !== undefined || this.user !== undefined);
  }

  /**
   * The guest's spam guard, loaded (a chunk) and started when they first write: it fetches
   * the site's guard and solves its proof of work while they type. Signed in, none.
   */
  #guarded = async () => {
    const { Guard } = await import('../state/guard.js');
    return (this.#guard ??= new Guard(this.#api(), this.site)).start();
  };

  /**
   * The reader starts writing: a guest's guard starts. Should its chunk fail to load,
   * nothing is lost yet: the post loads it again, and says so if it still cannot.
   */
  #onWriting = () => {
    if (!this.user) this.#guarded().catch(() => undefined);
  };

  #preview = async (body: string) =>
    (await this.request((api) => api.preview({ site: this.site, body }))).html;

  async #post(draft: Draft, parentId?: string) {
    const request: CreateCommentRequest = {
      site: this.site,
      thread: this.threadKey(),
      parentId,
      body: draft.body,
      threadTitle: this.#titleText(),
      threadUrl: this.#pageUrl(),
      notify: draft.notify || undefined,
    };
    const author = {
      name: draft.name,
      email: draft.email || undefined,
      url: draft.url || undefined,
    };
    const signedIn = this.user !== undefined;
    // Signed in, the server knows who is writing; a guest posts through the spam guard.
    const response = await this.request(async (api) =>
      signedIn
        ? api.post(
            { ...request, notifyEmail: (draft.notify && draft.notifyEmail) || undefined },
            draft.key,
          )
        : (await this.#guarded()).post({ ...request, author, trap: draft.trap }, draft.key),
    );
    const posted = response.comment;
    // Signed in, there is no edit token: the session edits, within the same window. A
    // replay (a retry after a lost answer, `replayed`) never carries one: the guest gets
    // no grant then (and no Edit button), rather than a grant without a token.
    const token = response.editToken;
    if (signedIn || token !== undefined) {
      saveGrant(posted.id, { token, until: response.editableUntil, body: draft.body });
    }
    this.#controller.add(posted);
    // A reply's composer closes; a reply being written elsewhere stays open.
    if (parentId) this.open = undefined;
    this.#announce(
      (posted.status === 'pending' ? strings.pending : strings.posted) +
        (response.notify?.status === 'pending' ? ` ${strings.notifyPending}` : ''),
      parentId && posted.id,
    );
    this.dispatchEvent(new ConfabCommentPostedEvent(posted));
  }

  /** Saves the reader's edit of their comment (`state/own.ts`, a chunk loaded on first use). */
  async #saveEdit(comment: PublicComment, draft: Draft) {
    try {
      const { saveEdit } = await import('../state/own.js');
      const edited = await saveEdit(this, comment, draft.body);
      this.#controller.change(comment.id, edited);
      this.open = undefined;
      this.#announce(strings.saved, comment.id);
      this.dispatchEvent(new ConfabCommentEditedEvent(edited));
    } catch (e) {
      this.#ownRefused(comment, e);
      // For the composer to show, with the text kept.
      throw e;
    }
  }

  /** Deletes the reader's comment once they confirm; a failure shows above the thread. */
  async #deleteOwn(comment: PublicComment) {
    try {
      const { deleteOwn } = await import('../state/own.js');
      const deleted = await deleteOwn(this, comment);
      if (!deleted) return;
      this.failed = '';
      this.#controller.change(comment.id, deleted.placeholder);
      if (this.open?.id === comment.id) this.open = undefined;
      this.#announce(strings.removed);
      this.dispatchEvent(new ConfabCommentDeletedEvent(comment.id, deleted.placeholder));
    } catch (e) {
      this.#ownRefused(comment, e);
      this.failed = errorText(e);
    }
  }

  /**
   * An edit or a deletion was refused. A right the server no longer grants was forgotten
   * (`state/own.ts`), so Edit and Delete hide on this update; a comment the server no
   * longer has leaves the view.
   */
  #ownRefused(comment: PublicComment, e: unknown) {
    if (e instanceof ApiError && e.code === 'not_found') {
      this.#controller.change(comment.id, null);
      this.failed = errorText(e);
    }
    this.requestUpdate();
  }

  /**
   * A moderator's action succeeded (`<confab-mod-tools>`). A comment that left (deleted,
   * spam) leaves the view, or where it has replies, a placeholder stands in its place.
   */
  #onModerated = (e: ConfabCommentModeratedEvent) => {
    const { comment } = e;
    if (comment.status === 'deleted' || comment.status === 'spam') {
      const replied = this.#controller.comments.some((c) => c.parentId === comment.id);
      const placeholder = { ...comment, author: null, html: '', status: 'deleted' as const };
      this.#controller.change(comment.id, replied ? placeholder : null);
    } else {
      this.#controller.change(comment.id, comment);
    }
  };

  /** Says `text` politely, and focuses comment `id` if given. */
  #announce(text: string, id?: string | null | false) {
    // A changed text is what makes a live region speak: say the same thing twice differently.
    this.said = this.said === text ? text + '\u00a0' : text;
    if (id) void this.updateComplete.then(() => this.#commentEl(id)?.focus());
  }

  #commentEl(id: string) {
    return [...this.renderRoot.querySelectorAll('confab-comment')].find(
      (el: ConfabComment) => el.comment?.id === id,
    );
  }

  #onAction = (action: CommentAction, comment: PublicComment) => {
    if (action === 'up' || action === 'down') void this.#vote(comment, action === 'up' ? 1 : -1);
    else if (action === 'delete') void this.#deleteOwn(comment);
    else this.open = { id: comment.id, edit: action === 'edit', draft: {} };
  };

  /** ▲ or ▼ (`state/reactions.ts`): shown at once; a refusal puts it back and says why. */
  async #vote(comment: PublicComment, value: -1 | 1) {
    const why = await this.#reactions?.vote(comment, value);
    if (why !== undefined) this.failed = why;
  }

  /** Like, or take the like back (as a vote). */
  #like = async () => {
    const why = await this.#reactions?.like();
    if (why !== undefined) this.failed = why;
  };

  #close = () => {
    const id = this.open?.id;
    this.open = undefined;
    if (id) this.#commentEl(id)?.focus();
  };

  /** The main form, or with `comment` and `open`, a reply to it or an edit of it. */
  #composer(comment?: PublicComment, open?: OpenComposer) {
    const edit = comment && open?.edit;
    return html`<confab-composer
      @focusin=${this.#onWriting}
      @input=${this.#onWriting}
      id=${comment ? nothing : 'leave-a-reply'}
      part="composer"
      exportparts=${COMPOSER_PARTS}
      ?edit=${edit}
      ?signed=${this.user}
      .verifiedEmail=${this.user?.email}
      .draft=${open?.draft}
      reply-to=${comment?.author?.name ?? nothing}
      .body=${(edit && loadGrant(comment.id)?.body) || ''}
      .send=${(draft: Draft) =>
        edit ? this.#saveEdit(comment, draft) : this.#post(draft, comment?.id)}
      .preview=${this.#preview}
      .cancel=${comment && this.#close}
    ></confab-composer>`;
  }

  /** List items for `list` at `depth` (1 = top level); past `maxDepth` replies stay flat. */
  #items(
    list: PublicComment[],
    kids: Map<string | null, PublicComment[]>,
    depth: number,
    replyTo?: string,
  ): TemplateResult[] {
    const locked = this.#controller.thread?.locked ?? false;
    return list.flatMap((comment) => {
      const replies = kids.get(comment.id) ?? [];
      const nest = depth < this.maxDepth;
      const open = this.open?.id === comment.id ? this.open : undefined;
      const item = html`<li part="item">
        <confab-comment
          part="comment"
          exportparts=${COMMENT_PARTS}
          .comment=${comment}
          .now=${this.now}
          .locale=${this.locale}
          .replyTo=${replyTo}
          ?own=${this.#mine(comment.id)}
          votes=${this.#reactions?.votes(comment) ?? 'score'}
          .myVote=${this.#reactions?.myVote(comment.id) ?? 0}
          ?locked=${locked}
          ?editing=${open?.edit}
          id="comment-${comment.id}"
          ?highlighted=${comment.id === this.#permalink.shown}
          .act=${this.#onAction}
          >${open ? this.#composer(comment, open) : nothing}<confab-mod-tools
            .comment=${comment}
            .thread=${this}
            .user=${this.user}
            @confab-comment-moderated=${this.#onModerated}
          ></confab-mod-tools
        ></confab-comment>
        ${
          nest && replies.length
            ? html`<ul part="list" role="list">
                ${this.#items(replies, kids, depth + 1)}
              </ul>`
            : nothing
        }
      </li>`;
      const name = comment.author?.name ?? '…';
      return nest ? [item] : [item, ...this.#items(replies, kids, depth, name)];
    });
  }

  #list() {
    const { comments } = this.#controller;
    if (!comments.length) return html`<p part="status">${strings.empty}</p>`;
    // Group by parent; a reply whose parent is not here (yet) shows at the top level.
    const ids = new Set(comments.map((c) => c.id));
    const kids = new Map<string | null, PublicComment[]>();
    for (const c of comments) {
      const parent = c.parentId && ids.has(c.parentId) ? c.parentId : null;
      kids.set(parent, [...(kids.get(parent) ?? []), c]);
    }
    // Pinned comments first, in every sort (a comment pinned here moves up at once).
    const top = (kids.get(null) ?? []).sort((a, b) => Number(b.pinned) - Number(a.pinned));
    return html`<ul part="list" role="list">
      ${this.#items(top, kids, 1)}
    </ul>`;
  }

  #body() {
    const controller = this.#controller;
    switch (controller.status) {
      case 'initial':
      case 'pending':
        return html`<p part="status">${strings.loading}</p>`;
      case 'error':
        return html`<p role="alert" part="error">${errorText(controller.error)}</p>
          <button part="button" @click=${() => controller.load()}>${strings.retry}</button>`;
      case 'complete':
        return html`${this.#list()}
        ${controller.error ? html`<p part="error">${errorText(controller.error)}</p>` : nothing}
        ${
          controller.nextCursor
            ? html`<button
                part="button"
                ?disabled=${controller.loadingMore}
                @click=${() => controller.load(true)}
              >
                ${strings.more}
              </button>`
            : nothing
        }`;
    }
  }

  /**
   * The main form, once the thread is known, outside the load states: re-sorting or a
   * failed reload must not take away what the reader is typing. The sign-in box above it
   * is told what the thread learnt (guests refused, a session ended) and reports back with
   * events.
   */
  #form() {
    const thread = this.#controller.thread;
    if (!thread) return nothing;
    return thread.locked
      ? html`<p part="status">${strings.locked}</p>`
      : html`<confab-sign-in
            part="sign-in"
            .client=${this.#api()}
            site=${this.site}
            ?required=${this.guestsRefused}
            .refusedToken=${this.refusedToken}
            @confab-signed-in=${this.#onSession}
            @confab-signed-out=${this.#onSession}
            @confab-guest-chosen=${this.#onGuestChosen}
          ></confab-sign-in>
          ${this.#composer()}`;
  }

  /**
   * "N readers like this" with the likers' avatars; the Like button once the reader's own
   * like is known.
   */
  #likes() {
    const thread = this.#controller.thread;
    if (!thread) return nothing;
    const reactions = this.#reactions;
    return html`<p part="likes">
      ${
        reactions?.settings
          ? html`<button
              part="button like-button"
              aria-pressed=${reactions.liked}
              @click=${this.#like}
            >
              ${reactions.liked ? strings.liked : strings.like}
            </button>`
          : nothing
      }
      <span>${strings.likes(thread.likeCount)}</span>
      ${thread.likers?.map((liker) => html`<span title=${liker.name}>${avatar(liker)}</span>`)}
    </p>`;
  }

  override render() {
    // title="" keeps the host's `title` attribute from showing as a tooltip everywhere.
    return html`<section part="thread" title="" aria-labelledby="heading">
      <header>
        <h2 id="heading" part="heading">
          ${strings.heading(this.#controller.thread?.commentCount, this.#titleText())}
        </h2>
        <select
          part="sort"
          aria-label=${strings.sort}
          @change=${(e: Event) => (this.sort = (e.target as HTMLSelectElement).value)}
        >
          ${Object.entries(strings.sorts).map(
            ([value, label]) =>
              html`<option value=${value} ?selected=${value === this.sort}>${label}</option>`,
          )}
        </select>
      </header>
      ${this.#likes()}
      <p role="status" part="status">${this.said}</p>
      <p role="alert" part="error">${this.failed}</p>
      ${this.#live?.bar()} ${this.#body()} ${this.#form()}
      <p part="feed">
        <a
          type="application/atom+xml"
          href=${`${this.#api().base}feeds/${encodeURIComponent(this.site)}/thread.atom?thread=${encodeURIComponent(this.threadKey())}`}
          >${strings.feed}</a
        >
      </p>
      <p>
        <a part="manage" href=${`${this.#api().base}manage?site=${encodeURIComponent(this.site)}`}
          >${strings.manage}</a
        >
      </p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-thread': ConfabThread;
  }
}
