/**
 * @module api/popup-sign-in
 * The popup sign-in (DESIGN.md section 4, docs/api.md "Signing in"), written once for
 * `<confab-sign-in>` and the moderation app's `<confab-admin-sign-in>`: it registers the
 * sign-in, sends the already opened popup to the server's start page and waits for it.
 * No Lit and no element here: each caller opens the popup (synchronously, in the click)
 * and says in its own words what went wrong. Only lazily loaded code uses it, so it stays
 * out of the widget's first-render bundle.
 */
import type { Session, SignInStart } from '../../server/contract.js';
import { beginSignIn, claimSession, exchangeTicket, pkcePair } from './auth.js';
import type { ApiClient } from './client.js';
import { ApiError } from './errors.js';

/**
 * Why a sign-in failed, for the caller's wording: the server sent a start page that is
 * not http(s) (`start`), the popup's page reported a failure (`refused`), or the sign-in
 * ran out of time (`expired`). A refusal of the server's own comes as its `ApiError`.
 */
export type SignInFailure = 'start' | 'refused' | 'expired';

/** What {@link popupSignIn} needs besides the client and the popup. */
export interface PopupSignInOptions {
  /** The site id the sign-in is for. */
  site: string;
  /** The provider's id. */
  provider: string;
  /** Milliseconds between claims while waiting for the popup. */
  pollInterval: number;
  /** Stops the sign-in: its message listener, its timer, its loop. */
  signal: AbortSignal;
  /** The error to throw for each kind of failure. */
  fail: (kind: SignInFailure) => Error;
}

/**
 * How long the claim polling goes on once the popup is closed and the reader is back on
 * the page without a session: long enough for a sign-in that just finished to be claimed.
 */
const GRACE_MS = 4000;

/** The popup's two messages, exactly as the server's sign-in pages post them. */
const SIGNED_IN = 'confab:signed-in';
const FAILED = 'confab:sign-in-failed';
/** The popup's start page is ready for the start key; the answer carrying it. */
const READY = 'confab:ready';
const START = 'confab:start';

/**
 * Registers the sign-in, sends the popup on its way and waits for it: the session, or
 * undefined when the reader gave up (or the signal stopped it); throws when it failed.
 * Requests go one at a time, so an exchange and a claim never race for the same sign-in.
 *
 * The popup's last page posts a ticket back, which is taken only from the server's origin
 * (where the start page lives), from this popup, for this sign-in; ticket and verifier
 * become a session. When no message can come (the provider's page cut the opener link with
 * COOP, the popup became a tab), the sign-in is claimed by polling with the verifier.
 * No verifier, ticket or token ever goes in a URL.
 */
export async function popupSignIn(
  api: ApiClient,
  popup: Window,
  { site, provider, pollInterval, signal, fail }: PopupSignInOptions,
): Promise<Session | undefined> {
  let verifier: string, startKey: string, t: SignInStart, start: URL;
  try {
    const pair = await pkcePair();
    // A second secret for the popup's start page: only a popup this page opened gets it,
    // so nobody can send a reader through a sign-in registered elsewhere and claim it.
    const startPair = await pkcePair();
    verifier = pair.verifier;
    startKey = startPair.verifier;
    t = await beginSignIn(api, {
      site,
      provider,
      codeChallenge: pair.challenge,
      startChallenge: startPair.challenge,
    });
    start = new URL(t.startUrl);
    // Until it navigates, the popup is on this page's origin: only an http(s) page goes in.
    if (!/^https?:$/.test(start.protocol)) throw fail('start');
  } catch (e) {
    // Nothing to see in the blank popup: the reason shows on the page.
    if (!signal.aborted) popup.close();
    throw e;
  }
  if (signal.aborted) return undefined;
  // (Closed already, it goes nowhere, and the wait below soon gives up.)
  popup.location.href = start.href;

  /** What the popup said: its ticket, or null when it failed (nothing yet: undefined). */
  const popupSaid: { ticket?: string | null } = {};
  let wake = () => {};
  addEventListener(
    'message',
    (e: MessageEvent) => {
      // Only the server's own page (where startUrl lives), in the popup we opened, for
      // this sign-in: any other window can post anything here.
      if (e.origin !== start.origin || e.source !== popup) return;
      const d: unknown = e.data;
      if (typeof d !== 'object' || d === null) return;
      const { type, tx, ticket } = d as Record<string, unknown>;
      if (typeof tx !== 'string' || tx !== t.tx || 'ticket' in popupSaid) return;
      if (type === READY) {
        popup.postMessage({ type: START, tx, startKey }, start.origin);
        return;
      }
      if (type === SIGNED_IN && typeof ticket === 'string') popupSaid.ticket = ticket;
      else if (type === FAILED) popupSaid.ticket = null;
      else return;
      wake();
    },
    { signal },
  );

  // Read afresh after each wait: another sign-in or a disconnect may have stopped this one.
  const stopped = () => signal.aborted;
  let closedAt = 0;
  for (;;) {
    if (popupSaid.ticket === undefined) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, pollInterval);
        signal.addEventListener('abort', done);
        wake = done;
      });
    }
    if (stopped()) return undefined;
    const said = popupSaid.ticket;
    if (said === null) throw fail('refused');
    if (said) return exchangeTicket(api, { tx: t.tx, ticket: said, verifier });
    const now = Date.now();
    if (now >= Date.parse(t.expiresAt)) throw fail('expired');
    // A popup that the provider's COOP cut loose looks closed from here while the reader
    // is still in it: the countdown starts only once they are back on this page.
    if (popup.closed && document.hasFocus()) {
      closedAt ||= now;
      if (now - closedAt > GRACE_MS) return undefined;
    } else closedAt = 0;
    const r = await claimSession(api, { tx: t.tx, verifier }).catch((e: unknown) => {
      // The server refused (failed, expired, used): over. Offline: ask again.
      if (e instanceof ApiError) throw e;
    });
    if (stopped()) return undefined;
    if (r && 'token' in r) return r;
  }
}
