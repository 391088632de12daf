import { LitElement, css, html, type PropertyValues } from 'lit';
import type { ModComment, ModerationAction } from '../../server/contract.js';
import { safeHtml, safeUrl } from '../../widget/render/safe-html.js';
import {
  AdminActionRequestedEvent,
  AdminBanRequestedEvent,
  AdminEditRequestedEvent,
  AdminLockRequestedEvent,
  AdminSelectedEvent,
} from '../events.js';
import { base } from '../styles.js';
import { when } from '../text.js';

/** Why a comment was held, in words. */
const HELD: Record<string, string> = {
  policy: 'the site’s moderation policy',
  links: 'too many links',
  blocklist: 'a blocked word',
  new_account: 'a new account',
};

/** The spam checker's verdict, in words. */
const VERDICT: Record<string, string> = {
  queued: 'waiting to be checked',
  ham: 'not spam',
  spam: 'spam',
  error: 'the check failed',
};

/** A button's label for each action. */
const LABEL: Record<ModerationAction, string> = {
  approve: 'Approve',
  reject: 'Reject',
  spam: 'Spam',
  delete: 'Delete',
  pin: 'Pin',
  unpin: 'Unpin',
};

/** The actions that make sense for a comment in its state (the server has the last word). */
export function actionsFor(
  c: Pick<ModComment, 'status' | 'parentId' | 'pinned'>,
): ModerationAction[] {
  switch (c.status) {
    case 'pending':
      return ['approve', 'reject', 'spam', 'delete'];
    case 'published':
      return c.parentId === null
        ? ['spam', 'delete', c.pinned ? 'unpin' : 'pin']
        : ['spam', 'delete'];
    case 'spam':
      return ['approve', 'delete'];
    case 'deleted':
      return [];
  }
}

const styles = css`
  article {
    display: grid;
    gap: 0.4em;
    padding: 0.75em;
    border: 1px solid var(--line);
    border-radius: var(--radius);
  }
  article.selected {
    border-color: var(--accent);
  }
  [part='body'] {
    overflow-wrap: anywhere;
  }
  [part='body'] > :first-child {
    margin-top: 0;
  }
  [part='body'] > :last-child {
    margin-bottom: 0;
  }
  pre {
    overflow-x: auto;
  }
  blockquote {
    margin-inline: 0;
    padding-inline-start: 0.75em;
    border-inline-start: 3px solid var(--line);
  }
  p,
  dl {
    margin: 0;
  }
  dl {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25em 1em;
  }
  dt {
    color: var(--muted);
  }
  dt::after {
    content: ':';
  }
  dd {
    margin: 0;
  }
  .pending {
    border-color: #b54708;
  }
  .banned {
    color: var(--danger);
  }
`;

/**
 * One comment in the moderation queue: its rendered text (through the widget's allowlist,
 * as on the blog), who wrote it (name, email, the short hash of their address), where,
 * when, why it was held and what the spam checker said, with a checkbox for bulk actions
 * and a button for each action that applies. While `editing`, the editor slotted in as
 * `editor` takes the text's place; when it closes, the focus is back on Edit.
 *
 * @summary A comment in the moderation queue.
 * @fires confab-admin-selected - The checkbox changed.
 * @fires confab-admin-action-requested - Approve, Reject, Spam, Delete, Pin or Unpin.
 * @fires confab-admin-lock-requested - Lock or Unlock thread.
 * @fires confab-admin-ban-requested - Ban author.
 * @fires confab-admin-edit-requested - Edit (not on deleted comments).
 * @slot editor - The editor of the text, shown while `editing`.
 * @csspart body - The comment's text.
 */
export class ConfabAdminComment extends LitElement {
  static override styles = [base, styles];

  static override properties = {
    comment: { attribute: false },
    selected: { type: Boolean },
    busy: { type: Boolean },
    editing: { type: Boolean },
  };

  /** The comment shown. */
  comment?: ModComment;

  /** The checkbox is ticked. */
  selected = false;

  /** An action on this comment is under way: its buttons wait. */
  busy = false;

  /** The text is being edited: the slotted editor shows instead. */
  editing = false;

  override updated(changed: PropertyValues<this>): void {
    if (changed.get('editing') === true && !this.editing)
      this.renderRoot.querySelector<HTMLElement>('#edit')?.focus();
  }

  override render() {
    const c = this.comment;
    if (!c) return '';
    const name = c.author?.name ?? 'Deleted author';
    const threadUrl = safeUrl(c.thread.url);
    const threadTitle = c.thread.title ?? c.thread.key;
    return html`<article
      aria-labelledby="who"
      class=${[this.selected ? 'selected' : '', c.status].join(' ')}
    >
      <div class="row">
        <input
          type="checkbox"
          aria-label=${`Select the comment by ${name}`}
          .checked=${this.selected}
          @change=${(e: Event) => {
            this.dispatchEvent(
              new AdminSelectedEvent(c.id, (e.target as HTMLInputElement).checked),
            );
          }}
        />
        <strong id="who" dir="auto">${name}</strong>
        ${c.author?.email ? html`<span>${c.author.email}</span>` : ''}
        ${
          c.author && c.author.provider !== 'guest'
            ? html`<span class="badge">${c.author.provider}</span>`
            : ''
        }
        ${c.author?.role ? html`<span class="badge">${c.author.role}</span>` : ''}
        ${c.client ? html`<span class="muted">client ${c.client}</span>` : ''}
        <time class="muted" datetime=${c.createdAt}>${when(c.createdAt)}</time>
        <span class="badge">${c.status}</span>
        ${c.parentId !== null ? html`<span class="badge">reply</span>` : ''}
        ${c.pinned ? html`<span class="badge">pinned</span>` : ''}
        ${c.banned ? html`<span class="badge banned">banned</span>` : ''}
      </div>
      <p class="muted">
        On
        ${
          threadUrl
            ? html`<a href=${threadUrl} target="_blank" rel="noopener noreferrer"
                >${threadTitle}</a
              >`
            : html`<span>${threadTitle}</span>`
        }
        ${c.thread.locked ? html`<span class="badge">thread locked</span>` : ''}
      </p>
      ${
        this.editing
          ? html`<slot name="editor"></slot>`
          : html`<div part="body" dir="auto">${safeHtml(c.html)}</div>`
      }
      ${
        c.heldReason || c.spamCheck
          ? html`<dl>
              ${
                c.heldReason
                  ? html`<div>
                      <dt>Held for</dt>
                      <dd>${HELD[c.heldReason] ?? c.heldReason}</dd>
                    </div>`
                  : ''
              }
              ${
                c.spamCheck
                  ? html`<div>
                      <dt>Spam check</dt>
                      <dd>${VERDICT[c.spamCheck] ?? c.spamCheck}</dd>
                    </div>`
                  : ''
              }
            </dl>`
          : ''
      }
      <div class="row" role="group" aria-label=${`Actions on the comment by ${name}`}>
        ${actionsFor(c).map(
          (action) =>
            html`<button
              class=${action === 'approve' ? 'primary' : action === 'delete' ? 'danger' : ''}
              ?disabled=${this.busy}
              @click=${() => {
                this.dispatchEvent(new AdminActionRequestedEvent(action, c));
              }}
            >
              ${LABEL[action]}
            </button>`,
        )}
        ${
          c.status !== 'deleted' && !this.editing
            ? html`<button
                id="edit"
                ?disabled=${this.busy}
                @click=${() => {
                  this.dispatchEvent(new AdminEditRequestedEvent(c));
                }}
              >
                Edit
              </button>`
            : ''
        }
        <button
          ?disabled=${this.busy}
          @click=${() => {
            this.dispatchEvent(new AdminLockRequestedEvent(c, !c.thread.locked));
          }}
        >
          ${c.thread.locked ? 'Unlock thread' : 'Lock thread'}
        </button>
        ${
          c.author
            ? html`<button
                class="danger"
                ?disabled=${this.busy}
                @click=${() => {
                  this.dispatchEvent(new AdminBanRequestedEvent(c));
                }}
              >
                Ban author
              </button>`
            : ''
        }
      </div>
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-admin-comment': ConfabAdminComment;
  }
}
