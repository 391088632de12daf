import { LitElement, css, html } from 'lit';
import type { ModComment } from '../../server/contract.js';
import type { ModerationApi } from '../api.js';
import { AdminBannedEvent } from '../events.js';
import { base } from '../styles.js';
import { errorText, text, when } from '../text.js';

/** The expiry choices: days, or 0 for a ban until it is lifted. */
const EXPIRY = [
  [1, '1 day'],
  [7, '7 days'],
  [30, '30 days'],
  [0, 'Forever (until lifted)'],
] as const;

const DAY = 86_400_000;

const styles = css`
  dialog {
    max-width: min(32rem, 92vw);
    border: 1px solid var(--line);
    border-radius: var(--radius);
    background: Canvas;
    color: CanvasText;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 40%);
  }
  form {
    display: grid;
    gap: 0.6em;
  }
  label {
    font-weight: 600;
  }
  .check label {
    font-weight: normal;
  }
`;

/**
 * "Ban author": a modal dialog with a reason, an expiry (1 day, 7 days, 30 days or until
 * lifted) and whether to delete everything they wrote on the site. It bans through the
 * moderation API itself and says so with an event; a refusal shows in the dialog.
 *
 * @summary The dialog that bans a comment's author.
 * @fires confab-admin-banned - The ban is in force; `message` says who and until when.
 */
export class ConfabAdminBanDialog extends LitElement {
  static override styles = [base, styles];

  static override properties = {
    api: { attribute: false },
    site: {},
    comment: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  /** The moderation API of the signed-in moderator. */
  api?: ModerationApi;

  /** The site moderated. */
  site = '';

  private comment?: ModComment;
  private error = '';
  private busy = false;

  /** Opens the dialog for the author of `comment`. */
  async open(comment: ModComment): Promise<void> {
    this.comment = comment;
    this.error = '';
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector('dialog');
    dialog?.querySelector('form')?.reset();
    dialog?.showModal();
  }

  #close() {
    this.renderRoot.querySelector('dialog')?.close();
  }

  async #submit(e: SubmitEvent) {
    e.preventDefault();
    const { api, comment } = this;
    if (!api || !comment) return;
    const form = new FormData(e.target as HTMLFormElement);
    const days = Number(form.get('expiry'));
    const reason = text(form.get('reason')).trim();
    const expiresAt = days ? new Date(Date.now() + days * DAY).toISOString() : null;
    this.busy = true;
    this.error = '';
    try {
      await api.ban({
        site: this.site,
        commentId: comment.id,
        ...(reason ? { reason } : {}),
        expiresAt,
        deleteComments: form.get('deleteComments') === 'on',
      });
      this.#close();
      const name = comment.author?.name ?? 'The author';
      this.dispatchEvent(
        new AdminBannedEvent(
          `${name} is banned ${expiresAt ? `until ${when(expiresAt)}` : 'until the ban is lifted'}.`,
        ),
      );
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const name = this.comment?.author?.name ?? '';
    return html`<dialog aria-labelledby="title">
      <form @submit=${this.#submit}>
        <h2 id="title">Ban ${name}</h2>
        <label for="reason">Reason</label>
        <input id="reason" name="reason" maxlength="500" />
        <label for="expiry">For how long</label>
        <select id="expiry" name="expiry">
          ${EXPIRY.map(([days, label]) => html`<option value=${days}>${label}</option>`)}
        </select>
        <div class="check">
          <input type="checkbox" id="deleteComments" name="deleteComments" />
          <label for="deleteComments">Also delete their comments on this site</label>
        </div>
        <p role="alert" class="error">${this.error}</p>
        <div class="row">
          <button type="submit" class="primary" ?disabled=${this.busy}>Ban</button>
          <button type="button" @click=${this.#close}>Cancel</button>
        </div>
      </form>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-admin-ban-dialog': ConfabAdminBanDialog;
  }
}
