import { LitElement, css, html, type PropertyValues } from 'lit';
import type { ModSitesResponse, Session } from '../../server/contract.js';
import { logOut } from '../../widget/api/auth.js';
import { ApiClient, type Fetch } from '../../widget/api/client.js';
import { ApiError } from '../../widget/api/errors.js';
import { ModerationApi } from '../api.js';
import type { AdminSignedInEvent } from '../events.js';
import { loadSession, loadSite, saveSession, saveSite } from '../storage.js';
import { base } from '../styles.js';
import { errorText } from '../text.js';
import type { PopupOpener } from './confab-admin-sign-in.js';

type Site = ModSitesResponse['sites'][number];

const VIEWS = [
  ['queue', 'Queue'],
  ['bans', 'Bans'],
  ['audit', 'Audit log'],
  ['outbox', 'Mail & webhooks'],
  ['webhooks', 'Webhooks'],
  ['settings', 'Settings'],
] as const;

/** The views only a site's owners see in the menu. */
const OWNER_VIEWS: readonly View[] = ['webhooks'];

type View = (typeof VIEWS)[number][0];

const styles = css`
  :host {
    max-width: 72rem;
    margin: 0 auto;
    padding: 1rem;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75em 1.5em;
    align-items: center;
    justify-content: space-between;
    margin-bottom: 1rem;
  }
  h1 {
    font-size: 1.4em;
    margin: 0;
  }
  nav {
    margin-bottom: 1rem;
  }
  nav button[aria-current='page'] {
    background: var(--accent);
    color: var(--accent-text);
    border-color: var(--accent);
  }
`;

/**
 * The moderation app: sign in (as on a blog, with a popup), pick one of the sites the
 * account owns or moderates, and work through its queue, bans, audit log, outbox (mail and webhook
 * calls), webhooks (owners) and settings.
 * It owns the server's {@link ApiClient} and the session, and hands a
 * {@link ModerationApi} to each view. The session is kept for the tab (sessionStorage);
 * the last site in localStorage.
 *
 * @summary The `/admin` moderation app.
 */
export class ConfabAdmin extends LitElement {
  static override styles = [base, styles];

  static override properties = {
    server: {},
    fetch: { attribute: false },
    openPopup: { attribute: false },
    pollInterval: { attribute: false },
    session: { state: true },
    site: { state: true },
    sites: { state: true },
    view: { state: true },
    error: { state: true },
  };

  /** The Confab server's URL; by default the one this script came from. */
  server = '';

  /** The `fetch` to use instead of the browser's (tests). */
  fetch?: Fetch;

  /** Opens the sign-in popup (tests); `window.open` when unset. */
  openPopup?: PopupOpener;

  /** Milliseconds between sign-in claims (tests). */
  pollInterval = 1500;

  private session?: Session | undefined;
  private site = '';
  private sites?: Site[];
  private view: View = 'queue';
  private error = '';

  #client?: ApiClient;
  #mod?: ModerationApi | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.site ||= loadSite();
    this.session ??= loadSession();
    this.addEventListener('confab-admin-signed-in', this.#onSignedIn);
    this.addEventListener('confab-admin-changed', this.#onChanged);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('confab-admin-signed-in', this.#onSignedIn);
    this.removeEventListener('confab-admin-changed', this.#onChanged);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('server') || changed.has('fetch') || !this.#client) {
      this.#client = new ApiClient(this.server || new URL('../', import.meta.url).href, this.fetch);
      this.#mod = undefined;
    }
    if (this.session && !this.#mod) {
      this.#mod = new ModerationApi(this.#client, this.session.token);
      void this.#loadSites();
    }
  }

  #onSignedIn = (e: AdminSignedInEvent) => {
    saveSession(e.session);
    saveSite(e.site);
    this.site = e.site;
    this.error = '';
    this.sites = undefined;
    this.#mod = undefined;
    this.session = e.session;
    // Focus moves from the sign-in buttons, which are gone, to the app's heading.
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('h1')?.focus());
  };

  /** The site menu's pending counts follow the queue. */
  #onChanged = () => {
    void this.#loadSites();
  };

  /** The sites the account moderates; a session the server no longer takes signs out. */
  async #loadSites() {
    const mod = this.#mod;
    if (!mod) return;
    try {
      const { sites } = await mod.sites();
      if (mod !== this.#mod) return;
      this.sites = sites;
      const known = sites.find((s) => s.id === this.site) ?? sites[0];
      if (known && known.id !== this.site) this.#pick(known.id);
    } catch (e) {
      if (mod !== this.#mod) return;
      if (e instanceof ApiError && e.status === 401) {
        this.#forget();
        this.error = 'Your session has ended. Sign in again.';
      } else this.error = errorText(e);
    }
  }

  #pick(site: string) {
    this.site = site;
    saveSite(site);
  }

  #forget() {
    saveSession();
    this.session = undefined;
    this.#mod = undefined;
    this.sites = undefined;
  }

  async #signOut() {
    const { session } = this;
    const client = this.#client;
    this.#forget();
    this.error = '';
    if (session && client) await logOut(client, session.token).catch(() => undefined);
  }

  #renderApp(session: Session) {
    const { sites } = this;
    const site = sites?.find((s) => s.id === this.site);
    const mod = this.#mod;
    let body;
    if (!sites) body = html`<p class="muted">Loading your sites…</p>`;
    else if (!site) body = html`<p>This account owns or moderates no site on this server.</p>`;
    else if (this.view === 'queue')
      body = html`<confab-admin-queue .api=${mod} site=${site.id}></confab-admin-queue>`;
    else if (this.view === 'bans')
      body = html`<confab-admin-bans .api=${mod} site=${site.id}></confab-admin-bans>`;
    else if (this.view === 'audit')
      body = html`<confab-admin-audit .api=${mod} site=${site.id}></confab-admin-audit>`;
    else if (this.view === 'outbox')
      body = html`<confab-admin-outbox
        .api=${mod}
        site=${site.id}
        ?owner=${site.role === 'owner'}
      ></confab-admin-outbox>`;
    else if (this.view === 'webhooks')
      body = html`<confab-admin-webhooks
        .api=${mod}
        site=${site.id}
        ?owner=${site.role === 'owner'}
      ></confab-admin-webhooks>`;
    else
      body = html`<confab-admin-settings
        .api=${mod}
        site=${site.id}
        ?owner=${site.role === 'owner'}
      ></confab-admin-settings>`;
    return html`<header>
        <h1 tabindex="-1">Confab moderation</h1>
        ${
          sites?.length
            ? html`<div class="row">
                <label for="site">Site</label>
                <select
                  id="site"
                  @change=${(e: Event) => {
                    this.#pick((e.target as HTMLSelectElement).value);
                  }}
                >
                  ${sites.map(
                    (s) =>
                      html`<option value=${s.id} ?selected=${s.id === this.site}>
                        ${s.name} (${s.id}) — ${s.pending} pending
                      </option>`,
                  )}
                </select>
              </div>`
            : ''
        }
        <div class="row">
          <span
            >Signed in as <strong dir="auto">${session.user.name}</strong>${
              site ? html`, ${site.role}` : ''
            }</span
          >
          <button @click=${this.#signOut}>Sign out</button>
        </div>
      </header>
      <p role="alert" class="error">${this.error}</p>
      ${
        site
          ? html`<nav aria-label="Moderation" class="row">
              ${VIEWS.filter(([view]) => site.role === 'owner' || !OWNER_VIEWS.includes(view)).map(
                ([view, label]) =>
                  html`<button
                    aria-current=${view === this.view ? 'page' : 'false'}
                    @click=${() => {
                      this.view = view;
                    }}
                  >
                    ${label}
                  </button>`,
              )}
            </nav>`
          : ''
      }
      <main>${body}</main>`;
  }

  override render() {
    const { session } = this;
    if (session) return this.#renderApp(session);
    return html`<header><h1 tabindex="-1">Confab moderation</h1></header>
      <p role="alert" class="error">${this.error}</p>
      <main>
        <confab-admin-sign-in
          .client=${this.#client}
          .openPopup=${this.openPopup}
          .pollInterval=${this.pollInterval}
          site=${this.site}
        ></confab-admin-sign-in>
      </main>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-admin': ConfabAdmin;
  }
}
