/**
 * @module services/sign-in/flow
 * The sign-in transaction of DESIGN.md section 4. The widget registers a transaction with
 * the S256 hash of a verifier only it knows; the popup goes through the provider; the
 * callback mints a short-lived single-use ticket for the opener; ticket + verifier become
 * a session. A ticket alone is useless, so is a transaction id; nothing lands in a URL.
 * The emailed sign-in (email.ts) goes through the same steps; its link or code, instead of
 * a provider's callback, ends step 3 with {@link signInAs}.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type {
  ClaimPending,
  ClaimRequest,
  Provider,
  Session,
  SignInRequest,
  SignInStart,
} from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import {
  advanceAuthTransaction,
  findAuthTransaction,
  findAuthTransactionByState,
  insertAuthTransaction,
} from '../../store/sessions.js';
import type { AuthTransactionRow } from '../../store/schema.js';
import { upsertUser } from '../../store/users.js';
import { skeleton } from '../common/names.js';
import { SignInError, type Identity, type ProviderClient } from './provider-client.js';
import { createSession } from './sessions.js';
import { assertOriginAllowed, getSite } from '../sites/sites.js';
import { ownOrigin } from '../moderation/staff.js';
import { DEMO_SITE } from '../../providers.js';

const TX_SECONDS = 10 * 60;
/** Time to type an address, open the mail and use its 15-minute link, in one sign-in. */
const EMAIL_TX_SECONDS = 30 * 60;
const TICKET_SECONDS = 60;

/** How secrets of the sign-in (states, tickets, links) are stored: their SHA-256, base64url. */
export const sha256 = (value: string): string =>
  createHash('sha256').update(value).digest('base64url');
const secret = (): string => randomBytes(32).toString('base64url');

/** Compares two secrets in constant time (null, a secret not set, matches nothing). */
export function same(a: string | null, b: string): boolean {
  if (a === null) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function provider(deps: Deps, id: string): ProviderClient {
  const found = deps.providers.get(id);
  if (found === undefined)
    throw new AppError(404, 'not_found', { detail: `No sign-in provider "${id}".` });
  return found;
}

/**
 * The demo's name-only provider signs in to the demo site only, never to a real blog. The
 * emailed link needs a mail server: a link kept in the outbox reaches no reader.
 */
function offered(deps: Deps, client: ProviderClient, siteId: string): boolean {
  if (client.config.kind === 'demo') return siteId === DEMO_SITE;
  if (client.config.kind === 'email') return deps.mailer !== undefined;
  return true;
}

/** The sign-in methods a site offers, as the widget lists them. */
export async function listProviders(deps: Deps, siteId: string): Promise<Provider[]> {
  await getSite(deps, siteId);
  return [...deps.providers.values()]
    .filter((p) => offered(deps, p, siteId))
    .map((p) => ({ id: p.config.id, name: p.config.label }));
}

/** Step 1: the widget registers a sign-in; its page's origin must be one of the site's. */
export async function beginSignIn(
  deps: Deps,
  input: SignInRequest,
  origin: string | undefined,
): Promise<SignInStart> {
  const site = await getSite(deps, input.site);
  // `/admin` signs in from this server's own origin; its session works only there.
  if (origin !== ownOrigin(deps)) assertOriginAllowed(site, origin);
  const client = provider(deps, input.provider);
  if (!offered(deps, client, site.id)) {
    throw new AppError(404, 'not_found', { detail: `No sign-in provider "${input.provider}".` });
  }
  if (
    !/^[A-Za-z0-9_-]{43}$/.test(input.codeChallenge) ||
    !/^[A-Za-z0-9_-]{43}$/.test(input.startChallenge)
  ) {
    throw new AppError(422, 'validation_failed', {
      errors: [
        {
          field: 'codeChallenge',
          code: 'invalid',
          message: 'codeChallenge is base64url(SHA-256(verifier)).',
        },
      ],
    });
  }
  const now = deps.now();
  const seconds = client.config.kind === 'email' ? EMAIL_TX_SECONDS : TX_SECONDS;
  const row: AuthTransactionRow = {
    id: secret(),
    site_id: site.id,
    origin: origin ?? '',
    provider: input.provider,
    code_challenge: input.codeChallenge,
    start_challenge: input.startChallenge,
    state_hash: null,
    browser_hash: null,
    nonce: null,
    pkce_verifier: null,
    user_id: null,
    ticket_hash: null,
    ticket_expires_at: null,
    status: 'created',
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + seconds * 1000).toISOString(),
  };
  await insertAuthTransaction(deps.db, row);
  return {
    tx: row.id,
    startUrl: `${deps.config.publicUrl}/auth/${input.provider}/start?tx=${encodeURIComponent(row.id)}`,
    expiresAt: row.expires_at,
  };
}

export function live(deps: Deps, tx: AuthTransactionRow | undefined): tx is AuthTransactionRow {
  return tx !== undefined && Date.parse(tx.expires_at) > deps.now().getTime();
}

/**
 * Step 2a, the popup's first page: which transaction it is and where to send the ready
 * message (the page that registered it). Changes nothing.
 */
export async function findStartableSignIn(
  deps: Deps,
  providerId: string,
  txId: string,
): Promise<{ tx: string; origin: string; label: string }> {
  const client = provider(deps, providerId);
  const tx = await findAuthTransaction(deps.db, txId);
  if (!live(deps, tx) || tx.provider !== providerId || tx.status !== 'created') {
    throw new SignInError(
      'expired',
      'This sign-in has expired or was already used. Close this window and try again.',
    );
  }
  return { tx: tx.id, origin: tx.origin, label: client.config.label };
}

/**
 * Step 2b: the popup's page got the start key from the window that opened it (by
 * postMessage, from the registered origin) and hands it over. Without it nobody can send
 * a reader to the provider under a transaction someone else registered, which would let
 * that someone claim the reader's session. Then the transaction is bound to this browser
 * (the returned cookie value, to keep for `cookieSeconds`) and goes to the provider. Each
 * transaction starts once.
 */
export async function startSignIn(
  deps: Deps,
  providerId: string,
  txId: string,
  startKey: string,
): Promise<{ redirect: URL; browserSecret: string; cookieSeconds: number }> {
  const client = provider(deps, providerId);
  const tx = await findAuthTransaction(deps.db, txId);
  if (!live(deps, tx) || tx.provider !== providerId || tx.status !== 'created') {
    throw new SignInError(
      'expired',
      'This sign-in has expired or was already used. Close this window and try again.',
    );
  }
  if (!same(tx.start_challenge, sha256(startKey))) {
    throw new SignInError('not_opener', 'Start signing in from the comment form of the page.');
  }
  const state = secret();
  const browserSecret = secret();
  const start = await client.authorizationUrl(state);
  const moved = await advanceAuthTransaction(deps.db, tx.id, 'created', {
    status: 'started',
    state_hash: sha256(state),
    browser_hash: sha256(browserSecret),
    nonce: start.nonce,
    pkce_verifier: start.pkceVerifier,
  });
  if (!moved) throw new SignInError('expired', 'This sign-in was already started.');
  const cookieSeconds = Math.ceil((Date.parse(tx.expires_at) - deps.now().getTime()) / 1000);
  return { redirect: start.url, browserSecret, cookieSeconds };
}

/** Whether `browserSecret` is the cookie the transaction was bound to when it started. */
export function sameBrowser(tx: AuthTransactionRow, browserSecret: string | undefined): boolean {
  return browserSecret !== undefined && same(tx.browser_hash, sha256(browserSecret));
}

/**
 * Step 3: the provider's redirect. `state` must belong to a started transaction of this
 * very provider (a code for provider A arriving at B's callback is a mix-up attack) and
 * the browser must hold the cookie from step 2.
 */
export async function finishSignIn(
  deps: Deps,
  providerId: string,
  callbackUrl: URL,
  browserSecret: string | undefined,
): Promise<{ tx: string; ticket: string; origin: string }> {
  const client = provider(deps, providerId);
  const state = callbackUrl.searchParams.get('state');
  const tx = state === null ? undefined : await findAuthTransactionByState(deps.db, sha256(state));
  if (!live(deps, tx) || state === null || tx.status !== 'started') {
    throw new SignInError('expired', 'This sign-in has expired or was already used.');
  }
  if (tx.provider !== providerId)
    throw new SignInError('mix_up', 'This answer came from the wrong provider.');
  if (!sameBrowser(tx, browserSecret)) {
    throw new SignInError('wrong_browser', 'This sign-in was started in another browser.');
  }
  let identity: Identity;
  try {
    if (callbackUrl.searchParams.has('error')) {
      throw new SignInError('denied', `${client.config.label} did not sign you in.`);
    }
    identity = await client.identify(callbackUrl, {
      state,
      pkceVerifier: tx.pkce_verifier ?? '',
      nonce: tx.nonce,
    });
  } catch (error) {
    if (!(error instanceof SignInError)) throw error;
    // The transaction is over: a polling widget gets a clear "failed" instead of waiting.
    await advanceAuthTransaction(deps.db, tx.id, 'started', {
      status: 'failed',
      pkce_verifier: null,
    });
    throw new SignInError(error.code, error.message, {
      cause: error.cause,
      transaction: { tx: tx.id, origin: tx.origin },
    });
  }
  return signInAs(deps, tx, identity);
}

/**
 * The end of step 3 for a started transaction whose reader is now known: the account is
 * made or refreshed (with the address, when one was proven) and a ticket minted for the
 * opener. A transaction finishes once; a second finish is refused.
 */
export async function signInAs(
  deps: Deps,
  tx: AuthTransactionRow,
  identity: Identity,
): Promise<{ tx: string; ticket: string; origin: string }> {
  const now = deps.now();
  const at = now.toISOString();
  const user = await upsertUser(deps.db, {
    id: randomUUID(),
    provider: tx.provider,
    subject: identity.subject,
    name: identity.name.slice(0, 80),
    name_key: skeleton(identity.name.slice(0, 80)),
    avatar_url: identity.avatarUrl?.startsWith('https://') === true ? identity.avatarUrl : null,
    profile_url: identity.profileUrl?.startsWith('https://') === true ? identity.profileUrl : null,
    created_at: at,
    updated_at: at,
    ...(identity.email === null ? {} : { email: identity.email, email_verified_at: at }),
  });
  const ticket = secret();
  const moved = await advanceAuthTransaction(deps.db, tx.id, 'started', {
    status: 'signed_in',
    user_id: user.id,
    ticket_hash: sha256(ticket),
    ticket_expires_at: new Date(now.getTime() + TICKET_SECONDS * 1000).toISOString(),
    pkce_verifier: null,
    nonce: null,
  });
  if (!moved) throw new SignInError('expired', 'This sign-in was already finished.');
  return { tx: tx.id, ticket, origin: tx.origin };
}

function signInRefused(detail: string): AppError {
  return new AppError(400, 'sign_in_failed', { detail });
}

/**
 * Step 4: the widget trades ticket + verifier (or, when the popup could not reach its
 * opener, the verifier alone while polling) for a session. Single use either way.
 */
export async function completeSignIn(
  deps: Deps,
  input: ClaimRequest & { ticket?: string | undefined },
  origin: string | undefined,
): Promise<Session | ClaimPending> {
  const tx = await findAuthTransaction(deps.db, input.tx);
  if (!live(deps, tx)) throw signInRefused('This sign-in has expired.');
  if (origin !== tx.origin) {
    throw new AppError(403, 'origin_not_allowed', {
      detail: 'Finish the sign-in on the page that started it.',
    });
  }
  if (!same(tx.code_challenge, sha256(input.verifier))) throw signInRefused('Wrong verifier.');
  if (tx.status === 'created' || tx.status === 'started') {
    if (input.ticket !== undefined) throw signInRefused('This sign-in is not finished.');
    return { pending: true };
  }
  if (tx.status === 'failed') throw signInRefused('The sign-in failed at the provider.');
  if (tx.status !== 'signed_in' || tx.user_id === null) {
    throw signInRefused('This sign-in was already used.');
  }
  if (input.ticket !== undefined) {
    const fresh =
      tx.ticket_expires_at !== null && Date.parse(tx.ticket_expires_at) > deps.now().getTime();
    if (!fresh || !same(tx.ticket_hash, sha256(input.ticket)))
      throw signInRefused('Wrong or expired ticket.');
  }
  if (
    !(await advanceAuthTransaction(deps.db, tx.id, 'signed_in', {
      status: 'used',
      ticket_hash: null,
    }))
  ) {
    throw signInRefused('This sign-in was already used.');
  }
  return createSession(deps, { userId: tx.user_id, siteId: tx.site_id, origin: tx.origin });
}
