import { LitElement, css, html } from 'lit';
import type { ModComment } from '../../server/contract.js';
import type { ModerationApi } from '../api.js';
import { AdminEditCancelledEvent, AdminEditedEvent } from '../events.js';
import { base } from '../styles.js';
import { errorText, text } from '../text.js';

const styles = css`
  form {
    display: grid;
    gap: 0.4em;
  }
  label {
    font-weight: 600;
  }
  textarea {
    width: 100%;
    min-height: 8em;
    resize: vertical;
  }
`;

/**
 * "Edit": a comment's text in place, as the Markdown its author wrote, with Save and Cancel
 * (Escape cancels too). The text is focused when it opens. It saves through the moderation
 * API itself and says so with an event carrying the comment as the server now has it; a
 * refusal (a problem's `detail` or `title`) shows under the text, which is kept.
 *
 * @summary The inline editor of a comment's text.
 * @fires confab-admin-edited - Saved; `comment` is the server's answer.
 * @fires confab-admin-edit-cancelled - Cancel or Escape.
 */
export class ConfabAdminEdit extends LitElement {
  static override styles = [base, styles];

  static override properties = {
    api: { attribute: false },
    site: {},
    comment: { attribute: false },
    error: { state: true },
    busy: { state: true },
  };

  /** The moderation API of the signed-in moderator. */
  api?: ModerationApi;

  /** The site moderated. */
  site = '';

  /** The comment edited. */
  comment?: ModComment;

  private error = '';
  private busy = false;

  override firstUpdated(): void {
    this.renderRoot.querySelector('textarea')?.focus();
  }

  #cancel() {
    if (this.busy) return;
    this.dispatchEvent(new AdminEditCancelledEvent());
  }

  #key(e: KeyboardEvent) {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    this.#cancel();
  }

  async #submit(e: SubmitEvent) {
    e.preventDefault();
    const { api, comment } = this;
    if (!api || !comment || this.busy) return;
    const body = text(new FormData(e.target as HTMLFormElement).get('body'));
    this.busy = true;
    this.error = '';
    try {
      const { comment: saved } = await api.edit(comment.id, { site: this.site, body });
      this.dispatchEvent(new AdminEditedEvent(saved));
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
    // Save was disabled while waiting, which took the focus: back to the text, to fix it.
    if (this.error) {
      await this.updateComplete;
      this.renderRoot.querySelector('textarea')?.focus();
    }
  }

  override render() {
    return html`<form @submit=${this.#submit} @keydown=${this.#key}>
      <label for="body">Text (Markdown)</label>
      <textarea
        id="body"
        name="body"
        dir="auto"
        aria-describedby="error"
        .value=${this.comment?.body ?? ''}
      ></textarea>
      <p id="error" role="alert" class="error">${this.error}</p>
      <div class="row">
        <button type="submit" class="primary" ?disabled=${this.busy}>Save</button>
        <button type="button" ?disabled=${this.busy} @click=${this.#cancel}>Cancel</button>
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-admin-edit': ConfabAdminEdit;
  }
}
