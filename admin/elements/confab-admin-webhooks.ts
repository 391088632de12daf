import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import type {
  FieldError,
  WebhookCreatedResponse,
  WebhookFormat,
  WebhookItem,
} from '../../server/contract.js';
import { ApiError } from '../../widget/api/errors.js';
import type { ModerationApi } from '../api.js';
import { base } from '../styles.js';
import { WEBHOOK_FORMAT, errorText, text, when } from '../text.js';

const FORMATS = Object.keys(WEBHOOK_FORMAT) as WebhookFormat[];

const styles = css`
  table {
    border-collapse: collapse;
    width: 100%;
    margin-bottom: 1em;
  }
  th,
  td {
    text-align: start;
    padding: 0.4em 0.5em;
    border-bottom: 1px solid var(--line);
    vertical-align: top;
  }
  td.url,
  code {
    overflow-wrap: anywhere;
  }
  form {
    display: grid;
    gap: 0.9em;
    max-width: 40rem;
  }
  .field {
    display: grid;
    gap: 0.2em;
  }
  .field > label {
    font-weight: 600;
  }
  .secret {
    padding: 0.75em;
    margin-bottom: 1em;
    border: 2px solid var(--accent);
    border-radius: var(--radius);
  }
`;

/**
 * The site's webhooks (owners only): where each posts, in which format, and since when,
 * with **Remove** (asked twice). The add form takes a URL and a format; the signing secret
 * the server answers with is shown this once, with a note to copy it now.
 *
 * @summary The site's webhooks.
 */
export class ConfabAdminWebhooks extends LitElement {
  static override styles = [base, styles];

  static override properties = {
    api: { attribute: false },
    site: {},
    owner: { type: Boolean },
    webhooks: { state: true },
    created: { state: true },
    confirming: { state: true },
    fieldErrors: { state: true },
    message: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  /** The moderation API of the signed-in moderator. */
  api?: ModerationApi;

  /** The site moderated. */
  site = '';

  /** The moderator owns the site; without it the panel only says webhooks are the owners'. */
  owner = false;

  private webhooks?: WebhookItem[];
  private created?: WebhookCreatedResponse | undefined;
  private confirming = '';
  private fieldErrors: FieldError[] = [];
  private message = '';
  private error = '';
  private busy = false;

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api') || changed.has('site') || changed.has('owner')) void this.load();
  }

  /** Fetches the list again (and forgets a secret shown: it is never shown twice). */
  async load(): Promise<void> {
    const { api, site } = this;
    if (!api || !site || !this.owner) return;
    this.created = undefined;
    try {
      this.webhooks = (await api.webhooks(site)).webhooks;
      this.error = '';
    } catch (e) {
      this.error = errorText(e);
    }
  }

  async #add(e: SubmitEvent) {
    e.preventDefault();
    const { api } = this;
    if (!api) return;
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    this.error = '';
    this.message = '';
    this.fieldErrors = [];
    this.busy = true;
    try {
      const created = await api.addWebhook({
        site: this.site,
        url: text(data.get('url')).trim(),
        format: text(data.get('format')) as WebhookFormat,
      });
      this.webhooks = [...(this.webhooks ?? []), created.webhook];
      this.created = created;
      form.reset();
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#secret-h')?.focus();
    } catch (err) {
      const fields = err instanceof ApiError ? (err.problem.errors ?? []) : [];
      if (fields.length) this.fieldErrors = fields;
      else this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  async #ask(hook: WebhookItem) {
    this.confirming = hook.id;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#confirm-${hook.id}`)?.focus();
  }

  async #remove(hook: WebhookItem) {
    const { api } = this;
    if (!api) return;
    this.error = '';
    this.busy = true;
    try {
      await api.removeWebhook(this.site, hook.id);
      this.confirming = '';
      this.message = `Removed the webhook to ${hook.url}.`;
      await this.load();
      // The row (and its buttons) is gone: focus stays in the section.
      this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  #fieldError(field: string) {
    const messages = this.fieldErrors.filter((f) => f.field === field).map((f) => f.message);
    return messages.length
      ? html`<span class="error" id=${`${field}-error`}>${messages.join(' ')}</span>`
      : '';
  }

  #invalid = (field: string): 'true' | 'false' =>
    this.fieldErrors.some((f) => f.field === field) ? 'true' : 'false';

  #renderRow(hook: WebhookItem) {
    const asking = this.confirming === hook.id;
    return html`<tr>
      <td class="url"><code>${hook.url}</code></td>
      <td>${WEBHOOK_FORMAT[hook.format]}</td>
      <td><time datetime=${hook.createdAt}>${when(hook.createdAt)}</time></td>
      <td>
        ${
          asking
            ? html`<div class="row" role="group" aria-label=${`Remove the webhook to ${hook.url}?`}>
                <span>Remove it?</span>
                <button
                  id=${`confirm-${hook.id}`}
                  class="danger"
                  ?disabled=${this.busy}
                  @click=${() => void this.#remove(hook)}
                >
                  Yes, remove
                </button>
                <button
                  @click=${() => {
                    this.confirming = '';
                  }}
                >
                  Keep
                </button>
              </div>`
            : html`<button
                aria-label=${`Remove the webhook to ${hook.url}`}
                @click=${() => void this.#ask(hook)}
              >
                Remove
              </button>`
        }
      </td>
    </tr>`;
  }

  override render() {
    if (!this.owner)
      return html`<section aria-labelledby="h">
        <h2 id="h">Webhooks</h2>
        <p class="muted">Only the site’s owners can see and change its webhooks.</p>
      </section>`;
    const { webhooks, created } = this;
    const urlHelp = ['url-help', this.#invalid('url') === 'true' ? 'url-error' : '']
      .filter(Boolean)
      .join(' ');
    return html`<section aria-labelledby="h">
      <h2 id="h" tabindex="-1">Webhooks</h2>
      <p role="status" class="status">${this.message}</p>
      <p role="alert" class="error">${this.error}</p>
      ${
        created
          ? html`<div class="secret" role="region" aria-labelledby="secret-h">
              <h3 id="secret-h" tabindex="-1">Webhook added: copy its secret now</h3>
              <p>
                Verify the <code>Confab-Signature</code> header with this secret. It is shown this
                once: the server never shows it again.
              </p>
              <p><code class="secret-value">${created.secret}</code></p>
              <button
                @click=${() => {
                  this.created = undefined;
                }}
              >
                I have copied it
              </button>
            </div>`
          : ''
      }
      ${
        !webhooks
          ? html`<p class="muted">Loading…</p>`
          : !webhooks.length
            ? html`<p class="muted">This site has no webhook.</p>`
            : html`<table>
                <thead>
                  <tr>
                    <th scope="col">URL</th>
                    <th scope="col">Format</th>
                    <th scope="col">Added</th>
                    <th scope="col"><span class="visually-hidden">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${webhooks.map((hook) => this.#renderRow(hook))}
                </tbody>
              </table>`
      }
      <h3>Add a webhook</h3>
      <form @submit=${this.#add}>
        <div class="field">
          <label for="url">URL</label>
          <input
            id="url"
            name="url"
            type="url"
            required
            aria-invalid=${this.#invalid('url')}
            aria-describedby=${urlHelp}
          />
          <span class="muted" id="url-help"
            >Confab POSTs each new comment there (https, not a private network).</span
          >
          ${this.#fieldError('url')}
        </div>
        <div class="field">
          <label for="format">Format</label>
          <select
            id="format"
            name="format"
            aria-invalid=${this.#invalid('format')}
            aria-describedby=${this.#invalid('format') === 'true' ? 'format-error' : nothing}
          >
            ${FORMATS.map((f) => html`<option value=${f}>${WEBHOOK_FORMAT[f]}</option>`)}
          </select>
          ${this.#fieldError('format')}
        </div>
        <div class="row">
          <button type="submit" class="primary" ?disabled=${this.busy}>Add webhook</button>
        </div>
      </form>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-admin-webhooks': ConfabAdminWebhooks;
  }
}
