import { LitElement, css, html, type PropertyValues } from 'lit';
import type { Ban } from '../../server/contract.js';
import type { ModerationApi } from '../api.js';
import { base } from '../styles.js';
import { errorText, when } from '../text.js';

const KIND: Record<Ban['kind'], string> = {
  user: 'account',
  client: 'address',
  email: 'email',
};

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
`;

/**
 * The bans in force on a site (who, how, why, since and until when), each with a button
 * that lifts it. Bans are made from a comment in the queue ("Ban author").
 *
 * @summary The site's bans.
 */
export class ConfabAdminBans extends LitElement {
  static override styles = [base, styles];

  static override properties = {
    api: { attribute: false },
    site: {},
    bans: { state: true },
    message: { state: true },
    error: { state: true },
  };

  /** The moderation API of the signed-in moderator. */
  api?: ModerationApi;

  /** The site moderated. */
  site = '';

  private bans?: Ban[];
  private message = '';
  private error = '';

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api') || changed.has('site')) void this.load();
  }

  /** Fetches the list again. */
  async load(): Promise<void> {
    const { api, site } = this;
    if (!api || !site) return;
    try {
      this.bans = (await api.bans(site)).bans;
    } catch (e) {
      this.error = errorText(e);
    }
  }

  async #lift(ban: Ban) {
    if (!this.api) return;
    this.error = '';
    try {
      await this.api.lift(this.site, ban.id);
      this.message = `Lifted the ban on ${ban.label}.`;
      await this.load();
      // The row (and its button) is gone: focus stays in the section.
      this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
    } catch (e) {
      this.message = '';
      this.error = errorText(e);
    }
  }

  override render() {
    const { bans } = this;
    return html`<section aria-labelledby="h">
      <h2 id="h" tabindex="-1">Bans</h2>
      <p role="status" class="status">${this.message}</p>
      <p role="alert" class="error">${this.error}</p>
      ${
        !bans
          ? html`<p class="muted">Loading…</p>`
          : !bans.length
            ? html`<p class="muted">Nobody is banned.</p>`
            : html`<table>
                <thead>
                  <tr>
                    <th scope="col">Who</th>
                    <th scope="col">By</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Since</th>
                    <th scope="col">Until</th>
                    <th scope="col"><span class="visually-hidden">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${bans.map(
                    (b) =>
                      html`<tr>
                        <td dir="auto">${b.label}</td>
                        <td>${KIND[b.kind]}</td>
                        <td dir="auto">${b.reason ?? ''}</td>
                        <td><time datetime=${b.createdAt}>${when(b.createdAt)}</time></td>
                        <td>
                          ${
                            b.expiresAt
                              ? html`<time datetime=${b.expiresAt}>${when(b.expiresAt)}</time>`
                              : 'until lifted'
                          }
                        </td>
                        <td>
                          <button
                            aria-label=${`Lift the ban on ${b.label} (${KIND[b.kind]})`}
                            @click=${() => void this.#lift(b)}
                          >
                            Lift
                          </button>
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-admin-bans': ConfabAdminBans;
  }
}
