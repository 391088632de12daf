/**
 * A real OpenID Provider (the `oidc-provider` package) on 127.0.0.1, with its development
 * login and consent pages, for sign-in tests. Any login name signs in as that account,
 * with the address `<name>@idp.example`, verified unless the name starts with `unverified`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export async function startIdp(redirectUris: string[]): Promise<TestIdp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'confab-test';
  const clientSecret = 'a-test-client-secret-that-is-long-enough';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    claims: { openid: ['sub'], profile: ['name', 'picture'], email: ['email', 'email_verified'] },
    findAccount: (_ctx: unknown, id: string) =>
      Promise.resolve({
        accountId: id,
        claims: () =>
          Promise.resolve({
            sub: `sub-${id}`,
            name: `Reader ${id}`,
            picture: `https://img.example/${id}.png`,
            email: `${id}@idp.example`,
            email_verified: !id.startsWith('unverified'),
          }),
      }),
  });
  // oidc-provider logs through `debug`; keep test output clean.
  provider.on('server_error', () => undefined);
  const callback = provider.callback();
  server.on('request', (req, res) => {
    void callback(req, res);
  });
  return {
    issuer,
    clientId,
    clientSecret,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
