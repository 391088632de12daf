import { LitElement, css, html, type PropertyValues } from 'lit';
import type {
  OutboxItem,
  OutboxMessageResponse,
  OutboxResponse,
  OutboxStatus,
} from '../../server/contract.js';
import { ApiError } from '../../widget/api/errors.js';
import type { ModerationApi } from '../api.js';
import { base } from '../styles.js';
import {
  NO_MAILER,
  OUTBOX_KIND,
  OUTBOX_STATUS,
  errorText,
  testMailText,
  text,
  when,
} from '../text.js';

const STATUSES = Object.keys(OUTBOX_STATUS) as OutboxStatus[];

const styles = css`
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: start;
    padding: 0.4em 0.5em;
    border-bottom: 1px solid var(--line);
    vertical-align: top;
  }
  td.reason {
    overflow-wrap: anywhere;
    white-space: pre-wrap;
  }
  form,
  .filter {
    margin: 0 0 0.75em;
  }
  .message {
    display: grid;
    gap: 0.5em;
    padding: 0.5em 0;
  }
  pre {
    margin: 0;
    padding: 0.5em;
    max-height: 24em;
    overflow: auto;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    background: var(--soft);
    border-radius: var(--radius);
  }
  iframe {
    width: 100%;
    min-height: 20em;
    border: 1px solid var(--line);
    border-radius: var(--radius);
    background: #fff;
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.2em 1em;
    margin: 0;
  }
  dt {
    font-weight: 600;
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
`;

/** The outbox row's kind: a mail's in words, a webhook's event as it is. */
const kindOf = (item: OutboxItem): string =>
  item.channel === 'email' ? (OUTBOX_KIND[item.kind] ?? item.kind) : `Webhook: ${item.kind}`;

/**
 * A site's outbox, newest first: every mail and webhook call Confab made or will make, with
 * its status (the counts per status filter the list), attempts and the last error in full;
 * a page at a time. A row opens to show what it sends: a mail's headers, plain text and
 * HTML part (inert, in a sandboxed frame without scripts, and as source), or a webhook
 * call's event and body. Owners can send a failed, given-up or kept row again and send a
 * test email; moderators only read.
 *
 * @summary The site's mail and webhook outbox.
 */
export class ConfabAdminOutbox extends LitElement {
  static override styles = [base, styles];

  static override properties = {
    api: { attribute: false },
    site: {},
    owner: { type: Boolean },
    page: { state: true },
    status: { state: true },
    opened: { state: true },
    content: { state: true },
    message: { state: true },
    error: { state: true },
    testResult: { state: true },
    testError: { state: true },
    busy: { state: true },
  };

  /** The moderation API of the signed-in moderator. */
  api?: ModerationApi;

  /** The site moderated. */
  site = '';

  /** The moderator owns the site: rows can be sent again, and a test email sent. */
  owner = false;

  private page?: OutboxResponse;
  private status: OutboxStatus | '' = '';
  private opened = '';
  private content?: OutboxMessageResponse | undefined;
  private message = '';
  private error = '';
  private testResult = '';
  private testError = '';
  private busy = false;

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api') || changed.has('site')) void this.load();
  }

  /** The first page again (of the status picked), or (`more`) the next one after those shown. */
  async load(more = false): Promise<void> {
    const { api, site, status } = this;
    if (!api || !site) return;
    try {
      const page = await api.outbox({
        site,
        status: status || undefined,
        cursor: more ? this.page?.nextCursor : null,
      });
      if (status !== this.status) return;
      this.page =
        more && this.page ? { ...page, items: [...this.page.items, ...page.items] } : page;
      this.error = '';
    } catch (e) {
      this.error = errorText(e);
    }
  }

  #filter(e: Event) {
    this.status = (e.target as HTMLSelectElement).value as OutboxStatus | '';
    this.opened = '';
    this.content = undefined;
    this.message = '';
    void this.load();
  }

  async #toggle(item: OutboxItem) {
    const { api } = this;
    if (!api) return;
    if (this.opened === item.id) {
      this.opened = '';
      this.content = undefined;
      return;
    }
    this.opened = item.id;
    this.content = undefined;
    try {
      const content = await api.outboxMessage(this.site, item.id);
      if (this.opened === item.id) this.content = content;
    } catch (e) {
      if (this.opened === item.id) this.opened = '';
      this.error = errorText(e);
    }
  }

  async #sendAgain(item: OutboxItem) {
    const { api, page } = this;
    if (!api || !page) return;
    this.error = '';
    this.message = '';
    this.busy = true;
    try {
      const after = (await api.sendAgain(this.site, item.id)).item;
      const counts = { ...page.counts };
      counts[item.status] = Math.max(0, counts[item.status] - 1);
      counts[after.status] += 1;
      this.page = {
        ...page,
        counts,
        items: page.items.map((i) => (i.id === after.id ? after : i)),
      };
      this.message = `Tried again: ${OUTBOX_STATUS[after.status]}${
        after.lastError ? ` (${after.lastError})` : ''
      }.`;
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  async #testMail(e: SubmitEvent) {
    e.preventDefault();
    const { api } = this;
    if (!api) return;
    const to = text(new FormData(e.target as HTMLFormElement).get('to')).trim();
    this.testResult = '';
    this.testError = '';
    this.busy = true;
    try {
      this.testResult = testMailText(await api.testMail({ site: this.site, to }));
      void this.load();
    } catch (err) {
      const retry = err instanceof ApiError ? err.problem.retryAfter : undefined;
      this.testError =
        err instanceof ApiError && err.code === 'rate_limited' && retry
          ? `At most 10 test emails an hour. Try again after ${when(
              new Date(Date.now() + retry * 1000).toISOString(),
            )} (in ${retry} s).`
          : errorText(err);
    } finally {
      this.busy = false;
    }
  }

  #renderContent(item: OutboxItem) {
    const c = this.content;
    if (!c || c.item.id !== item.id) return html`<p class="muted">Loading…</p>`;
    if (c.mail) {
      const { mail } = c;
      return html`<div class="message">
        <h3 id="message-h">Mail to <span dir="auto">${mail.to}</span></h3>
        <dl aria-label="Headers">
          <dt>Subject</dt>
          <dd dir="auto">${mail.subject}</dd>
          <dt>Message-ID</dt>
          <dd>${mail.messageId}</dd>
          ${Object.entries(mail.headers).map(
            ([k, v]) =>
              html`<dt>${k}</dt>
                <dd dir="auto">${v}</dd>`,
          )}
        </dl>
        <h4>Plain text</h4>
        <pre class="mail-text" dir="auto">${mail.text}</pre>
        <h4>HTML part</h4>
        <p class="muted">Shown inert: no script runs and nothing is loaded from it.</p>
        <iframe sandbox="" title="The mail’s HTML part (inert)" srcdoc=${mail.html}></iframe>
        <details>
          <summary>HTML source</summary>
          <pre class="mail-html">${mail.html}</pre>
        </details>
      </div>`;
    }
    if (c.webhook) {
      const { webhook } = c;
      return html`<div class="message">
        <h3 id="message-h">Webhook call: ${webhook.event}</h3>
        <p>Webhook <code>${webhook.webhookId}</code>; the body as it is POSTed:</p>
        <pre class="webhook-body">${webhook.body}</pre>
      </div>`;
    }
    return html`<p class="muted">Nothing to show.</p>`;
  }

  #renderRow(item: OutboxItem) {
    const open = this.opened === item.id;
    const name = `${kindOf(item)} to ${item.recipient}`;
    return html`<tr>
        <td dir="auto">${item.recipient}</td>
        <td>${kindOf(item)}</td>
        <td dir="auto">${item.subject ?? ''}</td>
        <td>${OUTBOX_STATUS[item.status]}</td>
        <td>${item.attempts}</td>
        <td class="reason" dir="auto">${item.lastError ?? ''}</td>
        <td>
          ${
            item.nextAttemptAt
              ? html`<time datetime=${item.nextAttemptAt}>${when(item.nextAttemptAt)}</time>`
              : ''
          }
        </td>
        <td><time datetime=${item.createdAt}>${when(item.createdAt)}</time></td>
        <td>
          <div class="row">
            <button
              aria-expanded=${open ? 'true' : 'false'}
              aria-controls=${`m-${item.id}`}
              aria-label=${`${open ? 'Close' : 'Open'} ${name}`}
              @click=${() => void this.#toggle(item)}
            >
              ${open ? 'Close' : 'Open'}
            </button>
            ${
              this.owner && item.canSendAgain
                ? html`<button
                    aria-label=${`Send again: ${name}`}
                    ?disabled=${this.busy}
                    @click=${() => void this.#sendAgain(item)}
                  >
                    Send again
                  </button>`
                : ''
            }
          </div>
        </td>
      </tr>
      ${
        open
          ? html`<tr id=${`m-${item.id}`}>
              <td colspan="9">${this.#renderContent(item)}</td>
            </tr>`
          : ''
      }`;
  }

  #renderTestMail() {
    return html`<section aria-labelledby="test-h">
      <h3 id="test-h">Send a test email</h3>
      <form class="row" @submit=${this.#testMail}>
        <label for="test-to">Address</label>
        <input id="test-to" name="to" type="email" required autocomplete="email" />
        <button type="submit" ?disabled=${this.busy}>Send a test email</button>
      </form>
      <p role="status" class="status">${this.testResult}</p>
      <p role="alert" class="error">${this.testError}</p>
    </section>`;
  }

  override render() {
    const { page } = this;
    const total = page ? STATUSES.reduce((n, s) => n + page.counts[s], 0) : 0;
    return html`<section aria-labelledby="h">
      <h2 id="h">Mail &amp; webhooks</h2>
      ${
        page
          ? page.mailer
            ? html`<p>Mail goes through <code>${page.mailer}</code>.</p>`
            : html`<p class="muted">${NO_MAILER}</p>`
          : ''
      }
      ${this.owner ? this.#renderTestMail() : ''}
      <h3>Outbox</h3>
      <div class="row filter">
        <label for="status">Show</label>
        <select id="status" @change=${this.#filter}>
          <option value="" ?selected=${this.status === ''}>
            Every status${page ? ` (${total})` : ''}
          </option>
          ${STATUSES.map(
            (s) =>
              html`<option value=${s} ?selected=${this.status === s}>
                ${OUTBOX_STATUS[s]}${page ? ` (${page.counts[s]})` : ''}
              </option>`,
          )}
        </select>
      </div>
      <p role="status" class="status">${this.message}</p>
      <p role="alert" class="error">${this.error}</p>
      ${
        !page
          ? html`<p class="muted">Loading…</p>`
          : !page.items.length
            ? html`<p class="muted">
                Nothing in the outbox${this.status ? ' with this status' : ''}.
              </p>`
            : html`<table>
                <thead>
                  <tr>
                    <th scope="col">Recipient</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Subject</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Last error</th>
                    <th scope="col">Next attempt</th>
                    <th scope="col">Created</th>
                    <th scope="col"><span class="visually-hidden">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${page.items.map((item) => this.#renderRow(item))}
                </tbody>
              </table>`
      }
      ${
        page?.nextCursor
          ? html`<button @click=${() => void this.load(true)}>Load more</button>`
          : ''
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-admin-outbox': ConfabAdminOutbox;
  }
}
