import { LitElement, css, html, type PropertyValues } from 'lit';
import type { Provider, Session } from '../../server/contract.js';
import { listProviders, logOut, whoAmI } from '../api/auth.js';
import type { ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { popupSignIn } from '../api/popup-sign-in.js';
import {
  ConfabErrorEvent,
  ConfabGuestChosenEvent,
  ConfabSignedInEvent,
  ConfabSignedOutEvent,
} from '../events.js';
import { avatar } from '../render/avatar.js';
import { loadSession, saveSession, sessionKey } from '../state/session.js';
import { later } from '../strings-later.js';
import { errorText } from '../strings.js';
import { shared, tokens } from '../styles/tokens.js';

/** What opens the sign-in popup: `window.open`'s signature. */
export type PopupOpener = (url: string, target: string, features: string) => Window | null;

const failed = () =>
  new ApiError(400, 'sign_in_failed', {
    type: 'about:blank',
    title: 'Sign-in failed',
    status: 400,
    code: 'sign_in_failed',
  });

const styles = css`
  [part='base'] {
    display: grid;
    gap: 0.5em;
    margin-block: var(--_gap);
  }
  p {
    margin: 0;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5em;
  }
  .required [part='provider-button'] {
    background: var(--_accent);
    color: var(--_accent-text);
  }
  [part='name'] {
    font-weight: 600;
  }
`;

/**
 * "Please log in using one of these methods" with a button per provider, or, signed in,
 * "You are commenting using your GitHub account" with Log Out and Change. It is a chunk of
 * its own that `<confab-thread>` loads once the thread and its form are on screen. The
 * thread gives it what it needs as properties (its {@link ApiClient}, the site, whether
 * guests were refused, a session token the server refused); it reports with events (the
 * session, "Comment as a guest").
 *
 * Signing in (DESIGN.md section 4): the click opens the popup at once (popup blockers
 * allow nothing later), a verifier only this page knows registers the sign-in, and the
 * popup goes to the server's start page. Its last page posts a ticket back, which is
 * taken only from the server's origin, from this popup, for this sign-in; ticket and
 * verifier become a session. When no message can come (the provider's page cut the
 * opener link with COOP, the popup became a tab), the element polls the sign-in with the
 * verifier instead. The session token lives in memory, and in localStorage only when the
 * reader ticks "Stay signed in". No verifier, ticket or token ever goes in a URL.
 *
 * @summary Sign-in buttons, or who the reader is signed in as.
 * @fires confab-signed-in - The reader signed in, or a kept session still works.
 * @fires confab-signed-out - The reader logged out, or the session ended.
 * @fires confab-guest-chosen - The reader pressed "Comment as a guest".
 * @fires confab-error - A sign-in failed; `code` says why.
 * @csspart base - The whole sign-in area.
 * @csspart provider-button - A provider's button.
 * @csspart button - "Comment as a guest", "Log Out", "Change".
 * @csspart avatar - The signed-in reader's picture, or initials.
 * @csspart name - The signed-in reader's name.
 * @csspart error - Why the sign-in failed.
 */
export class ConfabSignIn extends LitElement {
  static override styles = [tokens, shared, styles];

  static override properties = {
    client: { attribute: false },
    site: {},
    required: { type: Boolean },
    refusedToken: { attribute: false },
    openPopup: { attribute: false },
    pollInterval: { attribute: false },
    providers: { state: true },
    session: { state: true },
    stay: { state: true },
    error: { state: true },
  };

  /** The thread's client; every request goes through it. */
  client?: ApiClient;

  /** The site id. */
  site = '';

  /** The site takes no guest comments: the sign-in buttons are the only way to comment. */
  required = false;

  /**
   * A session token the server refused (401 `not_signed_in`: expired, revoked, logged out
   * elsewhere). If it is this element's session, the session is over: the reader is
   * signed out here too.
   */
  refusedToken?: string | undefined;

  /**
   * Opens the popup; `window.open` when unset. It must return the window (no `noopener`):
   * the popup's page posts the ticket to `window.opener`, and only messages from this
   * very window are taken.
   */
  openPopup?: PopupOpener;

  /** Milliseconds between claims while waiting for the popup. */
  pollInterval = 1500;

  private providers: Provider[] = [];
  private session?: Session;
  /** "Stay signed in" is ticked. */
  private stay = false;
  private error = '';

  /** Where the session is kept for this server and site (set by the first load). */
  #key = '';
  /** Bumped by each load, so the answers of an older one are dropped. */
  #loads = 0;
  /** Stops the sign-in under way: its message listener, its timer, its loop. */
  #abort?: AbortController;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#abort?.abort();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client') || changed.has('site')) void this.#load();
    if (this.refusedToken !== undefined && this.refusedToken === this.session?.token) {
      this.forget();
    }
  }

  /** Lists the providers and finds the session: the one held, or a kept one that still works. */
  async #load() {
    const { client: api, site } = this;
    const load = ++this.#loads;
    if (!api || !site) return;
    const key = sessionKey(api.base, site);
    if (key !== this.#key) {
      this.#abort?.abort();
      this.forget();
      this.#key = key;
    }
    const providers = listProviders(api, site).catch(() => []);
    let session = this.session;
    let stay = this.stay;
    if (!session) {
      session = loadSession(key);
      stay = !!session;
      if (session) {
        try {
          // The account as it is now (name, role), and the expiry as the server slid it.
          const { user, expiresAt } = await whoAmI(api, site, session.token);
          session = { ...session, user, expiresAt };
        } catch (e) {
          // Only a refusal ends it: offline, the reader stays who they were.
          if (e instanceof ApiError && e.status === 401) {
            saveSession(key);
            session = undefined;
          }
        }
      }
    }
    const list = await providers;
    if (load !== this.#loads) return;
    this.providers = list;
    if (session) this.#signedIn(session, stay);
  }

  /** Holds the session (in storage too if the reader stays signed in), and tells the thread. */
  #signedIn(session: Session, stay: boolean) {
    this.session = session;
    this.stay = stay;
    saveSession(this.#key, stay ? session : undefined);
    this.dispatchEvent(new ConfabSignedInEvent(session.user, session.token));
  }

  /**
   * Forgets the session, here and in storage, and tells the thread: on Log Out, and when
   * the server no longer takes the token (401 `not_signed_in`).
   */
  forget(): void {
    if (!this.session) return;
    this.session = undefined;
    saveSession(this.#key);
    this.dispatchEvent(new ConfabSignedOutEvent());
  }

  /** Log Out (and Change: the same, then the provider buttons, which are what shows). */
  async #logOut() {
    const { session, client } = this;
    if (!session || !client) return;
    this.forget();
    this.#refocus();
    // Revoked for good on the server. A 401 means it was over already; offline, it is
    // forgotten here all the same and lapses on its own.
    await logOut(client, session.token).catch(() => undefined);
  }

  /** After a re-render swapped the buttons, focus the first new one if focus was on an old one. */
  #refocus() {
    const root = this.renderRoot as ShadowRoot;
    if (root.activeElement)
      void this.updateComplete.then(() => root.querySelector('button')?.focus());
  }

  /** The reader chose to comment as a guest: the thread takes them to its form. */
  #guest() {
    this.dispatchEvent(new ConfabGuestChosenEvent());
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
      this.error = errorText(failed());
      return;
    }
    void this.#signIn(api, provider, popup);
  }

  async #signIn(api: ApiClient, provider: Provider, popup: Window) {
    const abort = (this.#abort = new AbortController());
    const { signal } = abort;
    try {
      // Every failure reads the same here: "Sign-in failed. Please try again."
      const session = await popupSignIn(api, popup, {
        site: this.site,
        provider: provider.id,
        signal,
        pollInterval: this.pollInterval,
        fail: failed,
      });
      // A sign-in that was stopped meanwhile (another one began, the element left) is void.
      if (session && !signal.aborted) {
        popup.close();
        this.#refocus();
        this.#signedIn(session, this.stay);
      }
    } catch (e) {
      // The popup stays open: a page of the server's there says what went wrong.
      if (!signal.aborted) {
        this.error = errorText(e);
        this.dispatchEvent(new ConfabErrorEvent(e));
      }
    } finally {
      abort.abort();
    }
  }

  override render() {
    const { session, providers } = this;
    if (session) {
      const { user } = session;
      // Signed in by the emailed link, the account is the address (masked on screen).
      const label =
        user.provider === 'email' && user.email
          ? user.email.replace(/^(.)[^@]*/u, '$1•••')
          : (providers.find((p) => p.id === user.provider)?.name ?? user.provider);
      const url = user.avatarUrl?.startsWith('https:') ? user.avatarUrl : null;
      return html`<div part="base" class="row">
        ${avatar({ name: user.name, avatarUrl: url })}
        <div>
          <p part="name" dir="auto">${user.name}</p>
          <p>${later.using(label)}</p>
        </div>
        <p class="row">
          <button part="button" class="link" @click=${this.#logOut}>${later.logOut}</button>
          <button part="button" class="link" @click=${this.#logOut}>${later.change}</button>
        </p>
      </div>`;
    }
    if (!providers.length) return '';
    return html`<div part="base" class=${this.required ? 'required' : ''}>
      <p id="prompt">${later.logIn}</p>
      <p class="row" role="group" aria-labelledby="prompt">
        ${providers.map(
          (p) =>
            html`<button
              part="provider-button"
              @click=${() => {
                this.#start(p);
              }}
            >
              ${p.name}
            </button>`,
        )}
      </p>
      <p>
        <input
          type="checkbox"
          id="stay"
          .checked=${this.stay}
          @change=${(e: Event) => {
            this.stay = (e.target as HTMLInputElement).checked;
          }}
        />
        <label for="stay">${later.stay}</label>
      </p>
      ${
        this.required
          ? ''
          : html`<p>
              <button part="button" class="link" @click=${this.#guest}>${later.asGuest}</button>
            </p>`
      }
      <p role="alert" part="error">${this.error}</p>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-sign-in': ConfabSignIn;
  }
}

// This module is loaded on demand by `<confab-thread>`, not by `define.ts`: it registers
// its element itself, once (a page may hold two copies of the bundle).
if (!customElements.get('confab-sign-in')) customElements.define('confab-sign-in', ConfabSignIn);
