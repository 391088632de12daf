/**
 * @module services/sign-in/provider-client
 * What a sign-in provider client does, whoever implements it (openid-client for real
 * providers, the demo's own name-only provider, the emailed link's own page), and the
 * error a refused sign-in throws.
 */
import type { ProviderConfig } from '../../providers.js';

/** Who the provider says signed in. `subject` is the provider's stable id. */
export interface Identity {
  subject: string;
  name: string;
  avatarUrl: string | null;
  profileUrl: string | null;
  /**
   * An address the provider vouches for (`email_verified: true`), or that the emailed
   * sign-in proved; null otherwise. Never part of the account's key.
   */
  email: string | null;
}

export interface AuthorizationStart {
  url: URL;
  pkceVerifier: string;
  nonce: string | null;
}

export interface ProviderClient {
  readonly config: ProviderConfig;
  authorizationUrl(state: string): Promise<AuthorizationStart>;
  /** Checks the callback and exchanges its code; throws `SignInError` when anything is off. */
  identify(
    callbackUrl: URL,
    expected: { state: string; pkceVerifier: string; nonce: string | null },
  ): Promise<Identity>;
}

/** A sign-in the provider or the checks refused. `code` is stable, for the popup page. */
export class SignInError extends Error {
  readonly code: string;
  /** The transaction it ended, when known: the popup tells its opener so it stops waiting. */
  readonly transaction: { tx: string; origin: string } | undefined;
  constructor(
    code: string,
    message: string,
    options?: { cause?: unknown; transaction?: { tx: string; origin: string } },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'SignInError';
    this.code = code;
    this.transaction = options?.transaction;
  }
}
