import { LitElement, css, html, type PropertyValues } from 'lit';
import type { AuditResponse } from '../../server/contract.js';
import type { ModerationApi } from '../api.js';
import { base } from '../styles.js';
import { errorText, when } from '../text.js';

type Entry = AuditResponse['entries'][number];

const styles = css`
  ol {
    list-style: none;
    margin: 0 0 0.75em;
    padding: 0;
  }
  li {
    padding: 0.4em 0;
    border-bottom: 1px solid var(--line);
  }
  code {
    overflow-wrap: anywhere;
  }
`;

/** The details worth a line: `{ status: 'published' }` as `status: published`. */
const details = (detail: Record<string, unknown>): string =>
  Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');

/**
 * The site's audit log, newest first: who did what to which comment, thread, ban or
 * setting, and when; a page at a time.
 *
 * @summary The audit log.
 */
export class ConfabAdminAudit extends LitElement {
  static override styles = [base, styles];

  static override properties = {
    api: { attribute: false },
    site: {},
    entries: { state: true },
    nextCursor: { state: true },
    error: { state: true },
  };

  /** The moderation API of the signed-in moderator. */
  api?: ModerationApi;

  /** The site moderated. */
  site = '';

  private entries?: Entry[];
  private nextCursor: string | null = null;
  private error = '';

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api') || changed.has('site')) void this.load();
  }

  /** The first page again, or (`more`) the next one after those shown. */
  async load(more = false): Promise<void> {
    const { api, site } = this;
    if (!api || !site) return;
    try {
      const page = await api.audit(site, more ? this.nextCursor : null);
      this.entries = more ? [...(this.entries ?? []), ...page.entries] : page.entries;
      this.nextCursor = page.nextCursor;
      this.error = '';
    } catch (e) {
      this.error = errorText(e);
    }
  }

  override render() {
    const { entries } = this;
    return html`<section aria-labelledby="h">
      <h2 id="h">Audit log</h2>
      <p role="alert" class="error">${this.error}</p>
      ${
        !entries
          ? html`<p class="muted">Loading…</p>`
          : !entries.length
            ? html`<p class="muted">Nothing has been done yet.</p>`
            : html`<ol>
                ${entries.map(
                  (e) =>
                    html`<li>
                      <time class="muted" datetime=${e.at}>${when(e.at)}</time>
                      <strong dir="auto">${e.actor}</strong>
                      <span>${e.action}</span>
                      <span class="muted">${e.targetType} <code>${e.targetId}</code></span>
                      ${
                        Object.keys(e.detail).length
                          ? html`<span class="muted">(${details(e.detail)})</span>`
                          : ''
                      }
                    </li>`,
                )}
              </ol>`
      }
      ${
        this.nextCursor ? html`<button @click=${() => void this.load(true)}>Load more</button>` : ''
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-admin-audit': ConfabAdminAudit;
  }
}
