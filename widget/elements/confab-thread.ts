import { html, nothing, type TemplateResult } from 'lit';
import type { CreateCommentRequest, PublicComment, SortOrder } from '../../server/contract.js';
import type { SessionUser } from '../api/auth.js';
import { ApiClient } from '../api/client.js';
import {
  ConfabCommentPostedEvent,
  ConfabErrorEvent,
  type CommentAction,
  type ConfabSignedInEvent,
} from '../events.js';
import type { Guard } from '../state/guard.js';
import { ThreadController } from '../state/thread-controller.js';
import type { OwnHost } from '../state/own.js';
import { loadGrant, saveGrant } from '../state/storage.js';
import { errorText, strings as s } from '../strings.js';
import { shared, tokens } from '../styles/tokens.js';
import type { Draft } from './confab-composer.js';
import type { ConfabComment } from './confab-comment.js';
import { ConfabElement } from './confab-element.js';
import { styles } from './confab-thread.styles.js';

/** `exportparts` that exposes a child's parts as `<prefix>__<part>` (Shoelace's convention). */
const exportParts = (prefix: string, parts: string) =>
  parts.replace(/[\w-]+/g, (p) => `${p}:${prefix}__${p}`).replace(/ /g, ',');
const COMMENT_PARTS = exportParts(
  'comment',
  'base avatar author badge body reply-button action-button',
);
const COMPOSER_PARTS = exportParts(
  'composer',
  'form heading input textarea hint preview button submit-button error',
);

/**
 * The whole comment section of a page: "N comments on “Title”", the threaded list with
 * Reply, and "Leave a Reply". It finds its server from its own script's URL, its thread
 * from `location.pathname` and its title from `document.title`, so
 * `<confab-thread site="myblog"></confab-thread>` is all a page needs.
 *
 * It is the only element that talks to the server: it owns the {@link ApiClient} and the
 * thread's state, and acts on what its comments and composers ask for. Once the thread
 * is on screen it loads `<confab-sign-in>` (a chunk of its own), hands it the client, and
 * posts as the reader it reports signed in. A guest's first keystroke or focus in a form
 * loads the spam guard (`state/guard.ts`, a chunk too), through which guests post. Every
 * comment holds a `<confab-mod-tools>`, which only the site's owners and moderators load
 * (a chunk) and see; editing and deleting one's own comment is a chunk as well
 * (`state/own.ts`), which uses the members `call`, `announce` and `ctl`.
 *
 * @summary A page's comment thread with its form.
 * @fires confab-comment-posted - The reader posted a comment (published or held).
 * @fires confab-comment-edited - The reader edited their comment.
 * @fires confab-comment-deleted - The reader deleted their comment.
 * @fires confab-error - A request failed; `code` says why.
 * @fires confab-signed-in - The reader signed in (from `<confab-sign-in>`).
 * @fires confab-signed-out - The reader logged out, or their session ended.
 * @csspart thread - The section around everything.
 * @csspart heading - "N comments on “Title”".
 * @csspart sort - The sort selector.
 * @csspart status - "Loading comments…", "Be the first to comment.", announcements.
 * @csspart error - A load error (with the Retry button), or a failed deletion.
 * @csspart list - Each list of comments (nested for replies).
 * @csspart item - A list item: a comment and its replies.
 * @csspart comment - A `<confab-comment>`; its own parts are `comment__author` etc.
 * @csspart composer - A `<confab-composer>`; its own parts are `composer__input` etc.
 * @csspart sign-in - The `<confab-sign-in>` above the form.
 * @csspart button - Retry and "Load more comments".
 * @cssprop --confab-accent - Buttons, links and focus rings. Default: a blue for light or dark.
 * @cssprop --confab-accent-text - Text on the accent. Default: white (black in dark mode).
 * @cssprop --confab-border - Borders and reply lines. Default: 22% of the text colour.
 * @cssprop --confab-muted - Times and notes. Default: 72% of the text colour.
 * @cssprop --confab-radius - Corner radius of controls. Default: 6px.
 * @cssprop --confab-gap - Space between comments. Default: 1rem.
 * @cssprop --confab-avatar-size - Avatar width and height. Default: 2.5rem.
 */
export class ConfabThread extends ConfabElement {
  static override styles = [tokens, shared, styles];

  static override properties = {
    pageTitle: { attribute: 'title' },
    sort: {},
    maxDepth: { attribute: 'max-depth', type: Number },
    locale: {},
    open: { state: true },
    said: { state: true },
    failed: { state: true },
    now: { state: true },
    user: { state: true },
  };

  /** The page's title for the heading and the server; by default `document.title`. */
  pageTitle = '';

  /** The order of top-level comments: `oldest`, `newest` or `top`. */
  sort: SortOrder = 'oldest';

  /** How deep replies indent; deeper ones continue at this depth, "in reply to …". */
  maxDepth = 4;

  /** A BCP 47 locale for dates and times; the browser's by default. */
  locale?: string;

  /** The composer open inside a comment: a reply to it, or an edit of it. */
  private open?: { id: string; edit: boolean; draft: Partial<Draft> };
  /** What the polite live region says. */
  private said = '';
  /** A failure outside any form (deleting, loading more). */
  private failed = '';
  /** The clock for relative times and edit windows; ticks while connected. */
  private now = 0;
  /** The signed-in reader, if any. */
  private user?: SessionUser | undefined;

  #client?: ApiClient;
  /** A guest's spam guard, made when they first write. */
  #guard?: Guard | undefined;
  #timer?: ReturnType<typeof setInterval>;
  private readonly ctl = new ThreadController(this, () => [
    this.#api(),
    this.site,
    this.threadKey(),
    this.sort,
    this.user,
  ]);

  override connectedCallback(): void {
    super.connectedCallback();
    this.now = Date.now();
    this.#timer = setInterval(() => (this.now = Date.now()), 15e3);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  override updated(): void {
    // Sign-in is not needed for the first render: its chunk loads once the thread shows
    // (and registers `<confab-sign-in>`); the browser fetches it once, however often this
    // asks. If it cannot load (offline, an old cached bundle), the thread works without it.
    if (this.ctl.thread) import('./confab-sign-in.js').catch(() => undefined);
    // Owners and moderators: their tools, a chunk of their own too.
    if (this.user?.role) import('./confab-mod-tools.js').catch(() => undefined);
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (!this.hasUpdated && !this.site) console.warn('[confab] <confab-thread> needs a site');
    if (changed.has('server') || changed.has('fetch')) this.#client = this.#guard = undefined;
  }

  /** The client for the current `server` and `fetch`, made when first needed after a change. */
  #api(): ApiClient {
    return (this.#client ??= new ApiClient(this.serverUrl(), this.fetch));
  }

  #titleText() {
    return this.pageTitle || document.title;
  }

  /** Awaits a request, telling the page when it fails; the caller shows the error. */
  private async call<T>(request: (api: ApiClient) => Promise<T>): Promise<T> {
    try {
      return await request(this.#api());
    } catch (e) {
      // `<confab-sign-in>` hears it too: a `guests_not_allowed` puts its buttons forward, a
      // `not_signed_in` (the session ended) signs the reader out.
      this.dispatchEvent(new ConfabErrorEvent(e));
      throw e;
    }
  }

  /** `<confab-sign-in>` says who the reader is now (both events: no user when signed out). */
  #session(e: Partial<ConfabSignedInEvent>) {
    this.user = e.user;
    this.#api().token = e.token;
  }

  /** The reader may edit or delete comment `id`: a guest's by its token, their own signed in. */
  #mine(id: string) {
    const grant = loadGrant(id, this.now);
    return !!grant && !!(grant.token || this.user);
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
   * The reader starts writing: a guest's guard starts. (Should its chunk fail to load, the
   * post that follows says so; here the failure is left unhandled, for the size budget.)
   */
  #write = () => this.user || this.#guarded();

  #preview = async (body: string) =>
    (await this.call((api) => api.preview({ site: this.site, body }))).html;

  async #post(d: Draft, parentId?: string) {
    const req: CreateCommentRequest = {
      site: this.site,
      thread: this.threadKey(),
      parentId,
      body: d.body,
      threadTitle: this.#titleText(),
      threadUrl: location.href.split('#')[0],
    };
    // Signed in, the server knows who is writing; a guest posts through the spam guard.
    const r = await this.call((api) =>
      this.user
        ? api.post(req, d.key)
        : this.#guarded().then((g) =>
            g.post(
              {
                ...req,
                author: { name: d.name, email: d.email || undefined, url: d.url || undefined },
                trap: d.trap,
              },
              d.key,
            ),
          ),
    );
    const c = r.comment;
    // Signed in, there is no edit token: the session edits, within the same window.
    saveGrant(c.id, { token: r.editToken, until: r.editableUntil, body: d.body });
    this.ctl.add(c);
    // A reply's composer closes; a reply being written elsewhere stays open.
    if (parentId) this.open = undefined;
    this.announce(c.status === 'pending' ? s.pending : s.posted, parentId && c.id);
    this.dispatchEvent(new ConfabCommentPostedEvent(c));
  }

  /**
   * Saves the reader's edit `d` of their comment `c`, or without `d` deletes it, through a
   * chunk loaded on first use (`state/own.ts`), which uses `call`, `announce`, `ctl`,
   * `open` and `failed`.
   */
  async #own(c: PublicComment, d?: Draft) {
    return (await import('../state/own.js')).edit(this as unknown as OwnHost, c, d);
  }

  /** Says `text` politely, and focuses comment `id` if given. */
  private announce(text: string, id?: string | null | false) {
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
    if (action === 'delete') this.#own(comment).catch((x: unknown) => (this.failed = errorText(x)));
    else this.open = { id: comment.id, edit: action === 'edit', draft: {} };
  };

  #close = () => {
    const id = this.open?.id;
    this.open = undefined;
    if (id) this.#commentEl(id)?.focus();
  };

  /** The main form, or with `c` and `open`, a reply to `c` or an edit of it. */
  #composer(c?: PublicComment, open?: ConfabThread['open']) {
    const edit = c && open?.edit;
    return html`<confab-composer
      @focusin=${this.#write}
      @input=${this.#write}
      part="composer"
      exportparts=${COMPOSER_PARTS}
      ?edit=${edit}
      ?signed=${this.user}
      .draft=${open?.draft}
      reply-to=${c?.author?.name ?? nothing}
      .body=${(edit && loadGrant(c.id)?.body) || ''}
      .send=${(d: Draft) => (edit ? this.#own(c, d) : this.#post(d, c?.id))}
      .preview=${this.#preview}
      .cancel=${c && this.#close}
    ></confab-composer>`;
  }

  /** List items for `list` at `depth` (1 = top level); past `maxDepth` replies stay flat. */
  #items(
    list: PublicComment[],
    kids: Map<string | null, PublicComment[]>,
    depth: number,
    replyTo?: string,
  ): TemplateResult[] {
    const locked = this.ctl.thread?.locked ?? false;
    return list.flatMap((c) => {
      const replies = kids.get(c.id) ?? [];
      const nest = depth < this.maxDepth;
      const open = this.open?.id === c.id ? this.open : undefined;
      const item = html`<li part="item">
        <confab-comment
          part="comment"
          exportparts=${COMMENT_PARTS}
          .comment=${c}
          .now=${this.now}
          .locale=${this.locale}
          .replyTo=${replyTo}
          ?own=${this.#mine(c.id)}
          ?locked=${locked}
          ?editing=${open?.edit}
          .act=${this.#onAction}
          >${open ? this.#composer(c, open) : nothing}<confab-mod-tools
            .comment=${c}
            .thread=${this}
            .user=${this.user}
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
      const name = c.author?.name ?? '…';
      return nest ? [item] : [item, ...this.#items(replies, kids, depth, name)];
    });
  }

  #list() {
    const { comments } = this.ctl;
    if (!comments.length) return html`<p part="status">${s.empty}</p>`;
    // Group by parent; a reply whose parent is not here (yet) shows at the top level.
    const ids = new Set(comments.map((c) => c.id));
    const kids = new Map<string | null, PublicComment[]>();
    for (const c of comments) {
      const parent = c.parentId && ids.has(c.parentId) ? c.parentId : null;
      kids.set(parent, [...(kids.get(parent) ?? []), c]);
    }
    // Pinned comments first, in every sort (a comment pinned here moves up at once).
    const top = (kids.get(null) ?? []).sort((a, b) => +b.pinned - +a.pinned);
    return html`<ul part="list" role="list">
      ${this.#items(top, kids, 1)}
    </ul>`;
  }

  #body() {
    const ctl = this.ctl;
    switch (ctl.status) {
      case 'initial':
      case 'pending':
        return html`<p part="status">${s.loading}</p>`;
      case 'error':
        return html`<p role="alert" part="error">${errorText(ctl.error)}</p>
          <button part="button" @click=${() => ctl.load()}>${s.retry}</button>`;
      case 'complete':
        return html`${this.#list()}
        ${ctl.error ? html`<p part="error">${errorText(ctl.error)}</p>` : nothing}
        ${
          ctl.nextCursor
            ? html`<button
                part="button"
                ?disabled=${ctl.loadingMore}
                @click=${() => ctl.load(true)}
              >
                ${s.more}
              </button>`
            : nothing
        }`;
    }
  }

  /**
   * The main form, once the thread is known, outside the load states: re-sorting or a
   * failed reload must not take away what the reader is typing.
   */
  #form() {
    const thread = this.ctl.thread;
    if (!thread) return nothing;
    return thread.locked
      ? html`<p part="status">${s.locked}</p>`
      : html`<confab-sign-in
            part="sign-in"
            .client=${this.#api()}
            site=${this.site}
            @confab-signed-in=${this.#session}
            @confab-signed-out=${this.#session}
          ></confab-sign-in>
          ${this.#composer()}`;
  }

  override render() {
    // title="" keeps the host's `title` attribute from showing as a tooltip everywhere.
    return html`<section part="thread" title="" aria-labelledby="h">
      <header>
        <h2 id="h" part="heading">
          ${s.heading(this.ctl.thread?.commentCount, this.#titleText())}
        </h2>
        <select
          part="sort"
          aria-label=${s.sort}
          @change=${(e: Event) => (this.sort = (e.target as HTMLSelectElement).value as SortOrder)}
        >
          ${Object.entries(s.sorts).map(
            ([v, label]) => html`<option value=${v} ?selected=${v === this.sort}>${label}</option>`,
          )}
        </select>
      </header>
      <p role="status" part="status">${this.said}</p>
      <p role="alert" part="error">${this.failed}</p>
      ${this.#body()} ${this.#form()}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-thread': ConfabThread;
  }
}
