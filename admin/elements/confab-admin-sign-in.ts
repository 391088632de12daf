import { LitElement, css, html } from 'lit';
import type { Provider } from '../../server/contract.js';
import { listProviders } from '../../widget/api/auth.js';
import type { ApiClient } from '../../widget/api/client.js';
import { ApiError } from '../../widget/api/errors.js';
import { popupSignIn, type SignInFailure } from '../../widget/api/popup-sign-in.js';
import { AdminSignedInEvent } from '../events.js';
import { base } from '../styles.js';
import { errorText } from '../text.js';

/** What opens the sign-in popup: `window.open`'s signature. */
export type PopupOpener = (url: string, target: string, features: string) => Window | null;

/** What the moderator reads for each way the sign-in can fail. */
const FAILURES: Record<SignInFailure, string> = {
  start: 'The server sent a strange sign-in page.',
  refused: 'The sign-in did not succeed. Try again.',
  expired: 'The sign-in took too long. Try again.',
};

const failed = (kind: SignInFailure) =>
  new ApiError(400, 'sign_in_failed', {
    type: 'about:blank',
    title: 'Sign-in failed',
    status: 400,
    code: 'sign_in_failed',
    detail: FAILURES[kind],
  });

const styles = css`
  form,
  section {
    display: grid;
    gap: 0.75em;
    max-width: 28rem;
  }
  label {
    font-weight: 600;
  }
`;

/**
 * The moderation app's sign-in: a site field (the site whose sign-in methods are offered;
 * any site the account moderates will do), then a button per provider. The flow is the
 * widget's (docs/api.md "Signing in"): the click opens the popup at once, a verifier only
 * this page knows registers the sign-in from the server's own origin, the popup's last page
 * posts a ticket back (taken only from the server's origin, from this popup, for this
 * sign-in), and ticket and verifier become a session. When no message can come, the
 * sign-in is claimed by polling with the verifier. No secret ever goes in a URL.
 *
 * @summary Site field and sign-in buttons.
 * @fires confab-admin-signed-in - With the session and the site named.
 */
export class ConfabAdminSignIn extends LitElement {
  static override styles = [base, styles];

  static override properties = {
    client: { attribute: false },
    site: {},
    openPopup: { attribute: false },
    pollInterval: { attribute: false },
    providers: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  /** The server's client. */
  client?: ApiClient;

  /** The site named in the field (filled in with the last one used). */
  site = '';

  /** Opens the popup; `window.open` when unset. Must return the window (no `noopener`). */
  openPopup?: PopupOpener;

  /** Milliseconds between claims while waiting for the popup. */
  pollInterval = 1500;

  /** The sign-in methods of the site in the field; undefined until asked. */
  private providers?: Provider[];
  private error = '';
  private busy = false;

  /** Stops the sign-in under way. */
  #abort?: AbortController;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#abort?.abort();
  }

  override willUpdate(): void {
    // The field comes filled in with the last site: its methods are shown at once.
    if (!this.hasUpdated && this.site) void this.#loadProviders();
  }

  async #loadProviders() {
    const api = this.client;
    const site = this.site.trim();
    if (!api || !site) return;
    this.error = '';
    this.busy = true;
    try {
      this.providers = await listProviders(api, site);
      if (!this.providers.length) this.error = 'This server offers no sign-in method.';
    } catch (e) {
      this.providers = undefined;
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  #submit(e: SubmitEvent) {
    e.preventDefault();
    const field = (e.target as HTMLFormElement).elements.namedItem('site') as HTMLInputElement;
    this.site = field.value.trim();
    void this.#loadProviders();
  }

  /** The click on a provider's button. Synchronous up to `open`, so the popup is allowed. */
  #start(provider: Provider) {
    const api = this.client;
    if (!api) return;
    this.#abort?.abort();
    this.error = '';
    const open: PopupOpener = this.openPopup ?? ((u, t, f) => window.open(u, t, f));
    const popup = open('', 'confab-sign-in', 'popup,width=520,height=680');
    if (!popup) {
      this.error = 'The sign-in window was blocked. Allow pop-ups for this page and try again.';
      return;
    }
    void this.#signIn(api, provider, popup);
  }

  async #signIn(api: ApiClient, provider: Provider, popup: Window) {
    const abort = (this.#abort = new AbortController());
    const { signal } = abort;
    const site = this.site;
    try {
      const session = await popupSignIn(api, popup, {
        site,
        provider: provider.id,
        signal,
        pollInterval: this.pollInterval,
        fail: failed,
      });
      if (session && !signal.aborted) {
        popup.close();
        this.dispatchEvent(new AdminSignedInEvent(session, site));
      }
    } catch (e) {
      if (!signal.aborted) this.error = errorText(e);
    } finally {
      abort.abort();
    }
  }

  override render() {
    const { providers } = this;
    return html`<section aria-labelledby="h">
      <h2 id="h">Sign in to moderate</h2>
      <form @submit=${this.#submit}>
        <label for="site">Site</label>
        <span class="muted" id="site-help"
          >The id of a site you own or moderate (as in <code>site="…"</code> on its pages).</span
        >
        <div class="row">
          <input
            id="site"
            name="site"
            required
            autocomplete="on"
            aria-describedby="site-help"
            .value=${this.site}
          />
          <button type="submit" ?disabled=${this.busy}>Show sign-in methods</button>
        </div>
      </form>
      ${
        providers?.length
          ? html`<p id="with">Sign in with</p>
              <div class="row" role="group" aria-labelledby="with">
                ${providers.map(
                  (p) =>
                    html`<button
                      class="primary"
                      @click=${() => {
                        this.#start(p);
                      }}
                    >
                      ${p.name}
                    </button>`,
                )}
              </div>`
          : ''
      }
      <p role="alert" class="error">${this.error}</p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-admin-sign-in': ConfabAdminSignIn;
  }
}
