/**
 * @module services/sign-in/oauth
 * Talks to sign-in providers through openid-client: PKCE (S256) always, `state` always,
 * a `nonce` and full ID token validation (signature with a pinned algorithm, `iss`, `aud`,
 * `exp`, `nonce`) for OpenID Connect, RFC 9207 `iss` checks where offered. The redirect URI
 * is fixed per provider from the configured public URL, never built from request headers.
 * Provider tokens are used once to learn who the reader is, then dropped. An address is
 * kept only when the OpenID provider says `email_verified: true`; the plain OAuth 2.0
 * providers' scopes give no verified address, so none is taken from them.
 */
import * as client from 'openid-client';
import type { OAuth2Provider, OidcProvider, ProviderConfig } from '../../providers.js';
import { isMailAddress } from '../common/input-rules.js';
import { createDemoClient } from './demo-identity.js';
import { createEmailClient } from './email-identity.js';
import { SignInError, type Identity, type ProviderClient } from './provider-client.js';

export {
  SignInError,
  type AuthorizationStart,
  type Identity,
  type ProviderClient,
} from './provider-client.js';

const isLoopback = (url: string): boolean => {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
};

/** Plain http only for providers on this machine (tests, a local identity provider). */
function insecureAllowed(url: string): boolean {
  return new URL(url).protocol === 'http:' && isLoopback(url);
}

async function configure(provider: OidcProvider | OAuth2Provider): Promise<client.Configuration> {
  const metadata: Partial<client.ClientMetadata> = {
    client_secret: provider.clientSecret,
    // Pinned: an ID token signed with anything else ("none", HS256 with our secret) fails.
    id_token_signed_response_alg: 'RS256',
  };
  if (provider.kind === 'oidc') {
    // Deprecated only as a warning sign: used solely for providers on loopback.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const execute = insecureAllowed(provider.issuer) ? [client.allowInsecureRequests] : [];
    // TLS alone would vouch for a token fetched from the token endpoint; we also check its
    // signature against the issuer's published keys, so a token from anywhere else fails.
    execute.push(client.enableNonRepudiationChecks);
    return client.discovery(new URL(provider.issuer), provider.clientId, metadata, undefined, {
      execute,
    });
  }
  const config = new client.Configuration(
    {
      issuer: new URL(provider.authorizeUrl).origin,
      authorization_endpoint: provider.authorizeUrl,
      token_endpoint: provider.tokenUrl,
    },
    provider.clientId,
    metadata,
  );
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- loopback providers only
  if (insecureAllowed(provider.tokenUrl)) client.allowInsecureRequests(config);
  return config;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== ''
    ? value
    : typeof value === 'number'
      ? String(value)
      : null;
}

/** Reads a plain OAuth 2.0 provider's user document. */
function profileOf(shape: OAuth2Provider['profile'], json: unknown): Identity | null {
  const doc = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  switch (shape) {
    case 'github': {
      const id = str(doc.id);
      if (id === null) return null;
      return {
        subject: id,
        name: str(doc.name) ?? str(doc.login) ?? `GitHub user ${id}`,
        avatarUrl: str(doc.avatar_url),
        profileUrl: str(doc.html_url),
        email: null,
      };
    }
    case 'discord': {
      const id = str(doc.id);
      if (id === null) return null;
      const avatar = str(doc.avatar);
      return {
        subject: id,
        name: str(doc.global_name) ?? str(doc.username) ?? `Discord user ${id}`,
        avatarUrl:
          avatar === null ? null : `https://cdn.discordapp.com/avatars/${id}/${avatar}.png`,
        profileUrl: null,
        email: null,
      };
    }
    case 'facebook': {
      const id = str(doc.id);
      if (id === null) return null;
      const picture = (doc.picture as { data?: { url?: unknown } } | undefined)?.data?.url;
      return {
        subject: id,
        name: str(doc.name) ?? `Facebook user ${id}`,
        avatarUrl: str(picture),
        profileUrl: null,
        email: null,
      };
    }
    case 'x': {
      const data = (doc.data ?? {}) as Record<string, unknown>;
      const id = str(data.id);
      if (id === null) return null;
      const handle = str(data.username);
      return {
        subject: id,
        name: str(data.name) ?? handle ?? `X user ${id}`,
        avatarUrl: str(data.profile_image_url),
        profileUrl: handle === null ? null : `https://x.com/${handle}`,
        email: null,
      };
    }
  }
}

/** The address of OpenID claims, only when the provider vouches for it (OIDC Core 5.1). */
function verifiedEmail(claims: Record<string, unknown>): string | null {
  const email = str(claims.email)?.trim().toLowerCase() ?? null;
  return claims.email_verified === true && email !== null && isMailAddress(email) ? email : null;
}

/** A client for one provider. Discovery happens once, on first use. */
export function createProviderClient(
  provider: OidcProvider | OAuth2Provider,
  redirectUri: string,
): ProviderClient {
  let configuration: Promise<client.Configuration> | undefined;
  const config = (): Promise<client.Configuration> => {
    configuration ??= configure(provider).catch((error: unknown) => {
      configuration = undefined;
      throw new SignInError('provider_unavailable', `${provider.label} could not be reached`, {
        cause: error,
      });
    });
    return configuration;
  };

  return {
    config: provider,

    async authorizationUrl(state) {
      const pkceVerifier = client.randomPKCECodeVerifier();
      const nonce = provider.kind === 'oidc' ? client.randomNonce() : null;
      const params: Record<string, string> = {
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: provider.scopes.join(' '),
        state,
        code_challenge: await client.calculatePKCECodeChallenge(pkceVerifier),
        code_challenge_method: 'S256',
      };
      if (nonce !== null) params.nonce = nonce;
      return { url: client.buildAuthorizationUrl(await config(), params), pkceVerifier, nonce };
    },

    async identify(callbackUrl, expected) {
      const cfg = await config();
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(cfg, callbackUrl, {
          pkceCodeVerifier: expected.pkceVerifier,
          expectedState: expected.state,
          ...(expected.nonce === null ? {} : { expectedNonce: expected.nonce }),
          idTokenExpected: provider.kind === 'oidc',
        });
      } catch (error) {
        throw new SignInError('provider_refused', `${provider.label} did not confirm the sign-in`, {
          cause: error,
        });
      }
      if (provider.kind === 'oidc') {
        const idClaims = tokens.claims();
        if (idClaims === undefined) throw new SignInError('provider_refused', 'no ID token');
        // Many providers put the profile (and the address) in the ID token; others only at
        // the userinfo endpoint, which must then vouch for the same subject.
        let claims: Record<string, unknown> & { sub: string } = idClaims;
        const missing =
          str(idClaims.name) === null ||
          (provider.scopes.includes('email') && idClaims.email_verified === undefined);
        if (missing && cfg.serverMetadata().userinfo_endpoint !== undefined) {
          try {
            claims = {
              ...(await client.fetchUserInfo(cfg, tokens.access_token, idClaims.sub)),
              sub: idClaims.sub,
            };
          } catch {
            // The ID token alone is enough to know who signed in.
          }
        }
        // OIDC Core 5.7: only iss + sub identify an account; the provider id stands for iss.
        return {
          subject: claims.sub,
          name:
            str(claims.name) ??
            str(claims.preferred_username) ??
            str(claims.nickname) ??
            `${provider.label} user`,
          avatarUrl: str(claims.picture),
          profileUrl: str(claims.profile),
          email: verifiedEmail(claims),
        };
      }
      const response = await client.fetchProtectedResource(
        cfg,
        tokens.access_token,
        new URL(provider.userinfoUrl),
        'GET',
      );
      const identity = response.ok ? profileOf(provider.profile, await response.json()) : null;
      if (identity === null)
        throw new SignInError('provider_refused', `${provider.label} did not say who signed in`);
      return identity;
    },
  };
}

/** Clients for every configured provider, by id. Built once per server. */
export function createProviderClients(
  providers: readonly ProviderConfig[],
  publicUrl: string,
): Map<string, ProviderClient> {
  return new Map(
    providers.map((p) => [
      p.id,
      p.kind === 'demo'
        ? createDemoClient(p, publicUrl)
        : p.kind === 'email'
          ? createEmailClient(p, publicUrl)
          : createProviderClient(p, `${publicUrl}/auth/${p.id}/callback`),
    ]),
  );
}
