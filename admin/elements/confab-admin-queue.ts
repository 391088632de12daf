import { LitElement, css, html, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ModComment, ModerationAction, ModQueueResponse } from '../../server/contract.js';
import type { ModerationApi } from '../api.js';
import {
  AdminChangedEvent,
  type AdminActionRequestedEvent,
  type AdminBanRequestedEvent,
  type AdminBannedEvent,
  type AdminEditRequestedEvent,
  type AdminEditedEvent,
  type AdminLockRequestedEvent,
  type AdminSelectedEvent,
} from '../events.js';
import { base } from '../styles.js';
import { errorText, plural } from '../text.js';
import { actionsFor } from './confab-admin-comment.js';
import type { ConfabAdminBanDialog } from './confab-admin-ban-dialog.js';

type Status = keyof ModQueueResponse['counts'];

const TABS: [Status, string][] = [
  ['pending', 'Pending'],
  ['spam', 'Spam'],
  ['published', 'Published'],
  ['deleted', 'Deleted'],
];

/** What an action did, for the live region: "Approved 2 comments." */
const DONE: Record<ModerationAction, string> = {
  approve: 'Approved',
  reject: 'Rejected',
  spam: 'Marked as spam',
  delete: 'Deleted',
  pin: 'Pinned',
  unpin: 'Unpinned',
};

const LABEL: Record<ModerationAction, string> = {
  approve: 'Approve',
  reject: 'Reject',
  spam: 'Spam',
  delete: 'Delete',
  pin: 'Pin',
  unpin: 'Unpin',
};

/** The bulk actions offered on a tab. */
const BULK: Record<Status, ModerationAction[]> = {
  pending: actionsFor({ status: 'pending', parentId: null, pinned: false }),
  published: ['spam', 'delete', 'pin', 'unpin'],
  spam: actionsFor({ status: 'spam', parentId: null, pinned: false }),
  deleted: [],
};

const styles = css`
  :host {
    display: grid;
    gap: 0.75em;
  }
  [role='tablist'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25em;
    border-bottom: 1px solid var(--line);
  }
  [role='tab'] {
    border-radius: var(--radius) var(--radius) 0 0;
    border-bottom: none;
    background: none;
  }
  [role='tab'][aria-selected='true'] {
    background: var(--soft);
    font-weight: 600;
    box-shadow: inset 0 -3px 0 var(--accent);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.75em;
  }
  .toolbar {
    padding: 0.5em;
    background: var(--soft);
    border-radius: var(--radius);
  }
`;

/**
 * The moderation queue of one site: a tab per status with its count, a search, the
 * comments newest first (a page at a time), and actions on one comment (its row's buttons)
 * or on all those ticked (the toolbar). After each action the page is fetched again, so
 * the counts and the rows are the server's; an edit (one row's editor at a time) shows the
 * server's answer in its row. Results are announced in a live region;
 * refusals (a problem's `detail` or `title`) in an alert.
 *
 * @summary The moderation queue.
 */
export class ConfabAdminQueue extends LitElement {
  static override styles = [base, styles];

  static override properties = {
    api: { attribute: false },
    site: {},
    status: { state: true },
    q: { state: true },
    comments: { state: true },
    counts: { state: true },
    nextCursor: { state: true },
    selected: { state: true },
    editing: { state: true },
    loading: { state: true },
    busy: { state: true },
    message: { state: true },
    error: { state: true },
  };

  /** The moderation API of the signed-in moderator. */
  api?: ModerationApi;

  /** The site moderated. */
  site = '';

  private status: Status = 'pending';
  private q = '';
  private comments: ModComment[] = [];
  private counts?: ModQueueResponse['counts'];
  private nextCursor: string | null = null;
  private selected = new Set<string>();
  /** The id of the comment whose text is being edited. */
  private editing: string | null = null;
  private loading = false;
  private busy = false;
  private message = '';
  private error = '';

  /** Bumped by each load, so the answer of an older one is dropped. */
  #loads = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('confab-admin-selected', this.#onSelected);
    this.addEventListener('confab-admin-action-requested', this.#onAction);
    this.addEventListener('confab-admin-lock-requested', this.#onLock);
    this.addEventListener('confab-admin-ban-requested', this.#onBan);
    this.addEventListener('confab-admin-banned', this.#onBanned);
    this.addEventListener('confab-admin-edit-requested', this.#onEdit);
    this.addEventListener('confab-admin-edited', this.#onEdited);
    this.addEventListener('confab-admin-edit-cancelled', this.#onEditCancelled);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('confab-admin-selected', this.#onSelected);
    this.removeEventListener('confab-admin-action-requested', this.#onAction);
    this.removeEventListener('confab-admin-lock-requested', this.#onLock);
    this.removeEventListener('confab-admin-ban-requested', this.#onBan);
    this.removeEventListener('confab-admin-banned', this.#onBanned);
    this.removeEventListener('confab-admin-edit-requested', this.#onEdit);
    this.removeEventListener('confab-admin-edited', this.#onEdited);
    this.removeEventListener('confab-admin-edit-cancelled', this.#onEditCancelled);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api') || changed.has('site')) void this.load();
  }

  /** Fetches the first page of the current tab and search again (keeping what is still ticked). */
  async load(append = false): Promise<void> {
    const { api, site } = this;
    if (!api || !site) return;
    const load = ++this.#loads;
    this.loading = true;
    try {
      const page = await api.queue({
        site,
        status: this.status,
        q: this.q,
        cursor: append ? this.nextCursor : null,
      });
      if (load !== this.#loads) return;
      this.comments = append ? [...this.comments, ...page.comments] : page.comments;
      this.counts = page.counts;
      this.nextCursor = page.nextCursor;
      const ids = new Set(this.comments.map((c) => c.id));
      this.selected = new Set([...this.selected].filter((id) => ids.has(id)));
      if (!this.comments.some((c) => c.id === this.editing && c.status !== 'deleted'))
        this.editing = null;
      if (!append) this.error = '';
    } catch (e) {
      if (load === this.#loads) this.error = errorText(e);
    } finally {
      if (load === this.#loads) this.loading = false;
    }
  }

  #onSelected = (e: AdminSelectedEvent) => {
    const next = new Set(this.selected);
    if (e.selected) next.add(e.id);
    else next.delete(e.id);
    this.selected = next;
  };

  #onAction = (e: AdminActionRequestedEvent) => {
    void this.#act(e.action, [e.comment.id]);
  };

  #onLock = (e: AdminLockRequestedEvent) => {
    void this.#lock(e.comment, e.locked);
  };

  #onBan = (e: AdminBanRequestedEvent) => {
    void this.renderRoot
      .querySelector<ConfabAdminBanDialog>('confab-admin-ban-dialog')
      ?.open(e.comment);
  };

  #onBanned = (e: AdminBannedEvent) => {
    void this.load().then(() => {
      this.#say(e.message);
      this.dispatchEvent(new AdminChangedEvent());
    });
  };

  #onEdit = (e: AdminEditRequestedEvent) => {
    this.editing = e.comment.id;
  };

  /** The row shows the server's answer; the rest of the page stays as it is. */
  #onEdited = (e: AdminEditedEvent) => {
    const saved = e.comment;
    this.comments = this.comments.map((c) => (c.id === saved.id ? saved : c));
    this.editing = null;
    this.#say('Saved.');
  };

  #onEditCancelled = () => {
    this.editing = null;
  };

  #say(message: string) {
    this.error = '';
    // Cleared first, so the same sentence twice is announced twice.
    this.message = '';
    void this.updateComplete.then(() => {
      this.message = message;
    });
  }

  async #run(work: (api: ModerationApi) => Promise<string>) {
    const { api } = this;
    if (!api || this.busy) return;
    this.busy = true;
    try {
      const said = await work(api);
      // Announced once the queue shows the result.
      await this.load();
      this.#say(said);
      this.dispatchEvent(new AdminChangedEvent());
    } catch (e) {
      this.message = '';
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  #act(action: ModerationAction, ids: string[]) {
    if (!ids.length) return Promise.resolve();
    return this.#run(async (api) => {
      const { comments } = await api.act({ site: this.site, action, ids });
      this.selected = new Set([...this.selected].filter((id) => !ids.includes(id)));
      return `${DONE[action]} ${plural(comments.length, 'comment')}.`;
    });
  }

  #lock(c: ModComment, locked: boolean) {
    return this.#run(async (api) => {
      await api.lock(this.site, c.thread.key, locked);
      return `${locked ? 'Locked' : 'Unlocked'} the thread “${c.thread.title ?? c.thread.key}”.`;
    });
  }

  #switch(status: Status, focus = false) {
    if (status === this.status) return;
    this.status = status;
    this.selected = new Set();
    this.editing = null;
    this.comments = [];
    this.nextCursor = null;
    void this.load();
    if (focus)
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLElement>(`#tab-${status}`)?.focus(),
      );
  }

  /** Arrow keys, Home and End move along the tabs (and show the tab moved to). */
  #tabKey(e: KeyboardEvent) {
    const i = TABS.findIndex(([s]) => s === this.status);
    const to = {
      ArrowRight: i + 1,
      ArrowLeft: i - 1 + TABS.length,
      Home: 0,
      End: TABS.length - 1,
    }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const tab = TABS[to % TABS.length];
    if (tab) this.#switch(tab[0], true);
  }

  #search(e: SubmitEvent) {
    e.preventDefault();
    const field = (e.target as HTMLFormElement).elements.namedItem('q') as HTMLInputElement;
    this.q = field.value.trim();
    this.selected = new Set();
    void this.load();
  }

  #selectAll(e: Event) {
    const on = (e.target as HTMLInputElement).checked;
    this.selected = new Set(on ? this.comments.map((c) => c.id) : []);
  }

  #renderToolbar() {
    const n = this.selected.size;
    const all = n > 0 && n === this.comments.length;
    const bulk = BULK[this.status];
    return html`<div class="row toolbar">
      <input
        type="checkbox"
        id="all"
        .checked=${all}
        .indeterminate=${n > 0 && !all}
        ?disabled=${!this.comments.length}
        @change=${this.#selectAll}
      />
      <label for="all">Select all</label>
      <span class="muted" aria-live="polite">${n ? `${n} selected` : ''}</span>
      ${bulk.map(
        (action) =>
          html`<button
            ?disabled=${!n || this.busy}
            @click=${() => void this.#act(action, [...this.selected])}
          >
            ${LABEL[action]} selected
          </button>`,
      )}
    </div>`;
  }

  override render() {
    const { counts, comments } = this;
    return html`<form role="search" class="row" @submit=${this.#search}>
        <label for="q">Search comments</label>
        <input id="q" name="q" type="search" .value=${this.q} />
        <button type="submit">Search</button>
        ${this.q ? html`<span class="muted">Showing comments matching “${this.q}”.</span>` : ''}
      </form>
      <div role="tablist" aria-label="Comments by status" @keydown=${this.#tabKey}>
        ${TABS.map(
          ([status, label]) =>
            html`<button
              role="tab"
              id=${`tab-${status}`}
              aria-selected=${status === this.status ? 'true' : 'false'}
              aria-controls="panel"
              tabindex=${status === this.status ? 0 : -1}
              @click=${() => {
                this.#switch(status);
              }}
            >
              ${label}${counts ? ` (${counts[status]})` : ''}
            </button>`,
        )}
      </div>
      <p role="status" class="status">${this.message}</p>
      <p role="alert" class="error">${this.error}</p>
      <section
        id="panel"
        role="tabpanel"
        aria-labelledby=${`tab-${this.status}`}
        aria-busy=${this.loading ? 'true' : 'false'}
      >
        ${this.#renderToolbar()}
        ${
          comments.length
            ? html`<ul>
                ${repeat(
                  comments,
                  (c) => c.id,
                  (c) =>
                    html`<li>
                      <confab-admin-comment
                        .comment=${c}
                        ?selected=${this.selected.has(c.id)}
                        ?busy=${this.busy}
                        ?editing=${this.editing === c.id}
                      >
                        ${
                          this.editing === c.id
                            ? html`<confab-admin-edit
                                slot="editor"
                                .api=${this.api}
                                site=${this.site}
                                .comment=${c}
                              ></confab-admin-edit>`
                            : ''
                        }
                      </confab-admin-comment>
                    </li>`,
                )}
              </ul>`
            : html`<p class="muted">
                ${this.loading ? 'Loading…' : this.q ? 'No comment matches.' : 'Nothing here.'}
              </p>`
        }
        ${
          this.nextCursor
            ? html`<button ?disabled=${this.loading} @click=${() => void this.load(true)}>
                Load more
              </button>`
            : ''
        }
      </section>
      <confab-admin-ban-dialog .api=${this.api} site=${this.site}></confab-admin-ban-dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-admin-queue': ConfabAdminQueue;
  }
}
