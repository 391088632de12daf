/**
 * @module services/sign-in/email-identity
 * The emailed sign-in as a provider client: its "provider's page" is Confab's own
 * (`/auth/email/authorize`, in the popup), reached through the same transaction, state and
 * browser checks as any provider. The sign-in never comes back through the callback: the
 * emailed link or its code finishes it (services/sign-in/email.ts).
 */
import type { EmailProvider } from '../../providers.js';
import { SignInError, type ProviderClient } from './provider-client.js';

export function createEmailClient(provider: EmailProvider, publicUrl: string): ProviderClient {
  return {
    config: provider,
    authorizationUrl(state) {
      const url = new URL(`${publicUrl}/auth/email/authorize`);
      url.searchParams.set('state', state);
      return Promise.resolve({ url, pkceVerifier: '', nonce: null });
    },
    identify() {
      return Promise.reject(
        new SignInError('denied', 'This sign-in finishes with the emailed link or its code.'),
      );
    },
  };
}
