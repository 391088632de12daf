/**
 * @module api/auth
 * The sign-in half of the HTTP API (docs/api.md, "Signing in"), over an {@link ApiClient}.
 * Only `<confab-sign-in>` uses it, so it stays out of the first-render bundle.
 *
 * The verifier is the page's secret: only its S256 hash goes to `POST /auth/tx`, and the
 * verifier itself only in the body of an exchange or a claim. Nothing here puts a
 * verifier, ticket or token in a URL.
 */
import type {
  ClaimPending,
  ClaimRequest,
  ExchangeRequest,
  MeResponse,
  Provider,
  Session,
  SignInRequest,
  SignInStart,
} from '../../server/contract.js';
import type { ApiClient } from './client.js';

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** A fresh random verifier (32 bytes, base64url) and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The site's sign-in methods; an empty list when there are none (or the server says nothing useful). */
export async function listProviders(api: ApiClient, site: string): Promise<Provider[]> {
  const list = await api.send<unknown>('GET', `auth/providers?${new URLSearchParams({ site })}`);
  return Array.isArray(list)
    ? list.filter(
        (p: Partial<Provider> | null): p is Provider =>
          typeof p?.id === 'string' && typeof p.name === 'string',
      )
    : [];
}

/** Registers a sign-in for this page's origin. */
export function beginSignIn(api: ApiClient, req: SignInRequest): Promise<SignInStart> {
  return api.send('POST', 'auth/tx', req);
}

/** Trades the popup's ticket and the verifier for a session. */
export function exchangeTicket(api: ApiClient, req: ExchangeRequest): Promise<Session> {
  return api.send('POST', 'auth/exchange', req);
}

/** Asks whether the sign-in is done: a session when it is, `{ pending: true }` while not. */
export function claimSession(api: ApiClient, req: ClaimRequest): Promise<Session | ClaimPending> {
  return api.send('POST', 'auth/claim', req);
}

/** The session's reader and current expiry; a token that does not work is 401 `not_signed_in`. */
export function whoAmI(api: ApiClient, site: string, token: string): Promise<MeResponse> {
  return api.send('GET', `api/v1/me?${new URLSearchParams({ site })}`, undefined, bearer(token));
}

/** Ends the session on the server for good. */
export function logOut(api: ApiClient, token: string): Promise<unknown> {
  return api.send('POST', 'auth/logout', undefined, bearer(token));
}
