/**
 * @module services/sign-in/demo-identity
 * The demo's identity provider: a page on this server asks for a name, and that name is
 * the account. It goes through the same transaction, state and browser checks as a real
 * provider; it exists only when the server runs with `--demo`.
 */
import type { DemoProvider } from '../../providers.js';
import { SignInError, type ProviderClient } from './provider-client.js';

export function createDemoClient(provider: DemoProvider, publicUrl: string): ProviderClient {
  return {
    config: provider,
    authorizationUrl(state) {
      const url = new URL(`${publicUrl}/auth/demo/authorize`);
      url.searchParams.set('state', state);
      return Promise.resolve({ url, pkceVerifier: '', nonce: null });
    },
    identify(callbackUrl) {
      const name = (callbackUrl.searchParams.get('name') ?? '')
        .normalize('NFC')
        .trim()
        .replace(/\s+/g, ' ');
      if (name === '' || name.length > 40 || /[\p{Cc}\p{Cf}]/u.test(name)) {
        return Promise.reject(
          new SignInError('denied', 'Please choose a name of 1 to 40 characters.'),
        );
      }
      return Promise.resolve({
        subject: name.toLowerCase(),
        name,
        avatarUrl: null,
        profileUrl: null,
        email: null,
      });
    },
  };
}
