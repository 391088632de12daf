/**
 * A deliberately misbehaving OpenID Provider: real discovery, a real RS256 key, and an
 * ID token spoiled in the way the test chooses (alg "none", HS256 signed with the client
 * secret, an unknown key, another audience, a stale or foreign nonce, expired, another issuer).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';

export type Spoil =
  | 'none'
  | 'alg-none'
  | 'hs256'
  | 'unknown-kid'
  | 'wrong-aud'
  | 'wrong-nonce'
  | 'expired'
  | 'wrong-iss';

export interface RogueIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  spoil: Spoil;
  close(): Promise<void>;
}

export async function startRogueIdp(): Promise<RogueIdp> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, string>(); // code -> nonce
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idp: RogueIdp = {
    issuer,
    clientId: 'rogue-client',
    clientSecret: 'rogue-secret-rogue-secret-rogue-secret',
    spoil: 'none',
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };

  async function idToken(nonce: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: 'victim',
      name: 'Mallory',
      nonce: idp.spoil === 'wrong-nonce' ? 'other' : nonce,
    };
    const base = <T extends SignJWT | UnsecuredJWT>(jwt: T): T => {
      jwt
        .setIssuer(idp.spoil === 'wrong-iss' ? 'https://evil.example' : issuer)
        .setAudience(idp.spoil === 'wrong-aud' ? 'someone-else' : idp.clientId)
        .setIssuedAt(idp.spoil === 'expired' ? now - 7200 : now)
        .setExpirationTime(idp.spoil === 'expired' ? now - 3600 : now + 300);
      return jwt;
    };
    switch (idp.spoil) {
      case 'alg-none':
        return base(new UnsecuredJWT(claims)).encode();
      case 'hs256':
        return base(new SignJWT(claims).setProtectedHeader({ alg: 'HS256' })).sign(
          new TextEncoder().encode(idp.clientSecret),
        );
      case 'unknown-kid':
        return base(new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k2' })).sign(
          other.privateKey,
        );
      default:
        return base(new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' })).sign(
          privateKey,
        );
    }
  }

  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      send(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    } else if (url.pathname === '/jwks') {
      send(200, { keys: [jwk] });
    } else if (url.pathname === '/authorize') {
      const code = randomBytes(8).toString('hex');
      codes.set(code, url.searchParams.get('nonce') ?? '');
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { Location: back.href }).end();
    } else if (url.pathname === '/token') {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const code = new URLSearchParams(raw).get('code') ?? '';
        const nonce = codes.get(code);
        if (nonce === undefined) {
          send(400, { error: 'invalid_grant' });
          return;
        }
        void idToken(nonce).then((token) => {
          send(200, { access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token: token });
        });
      });
    } else {
      send(404, { error: 'not_found' });
    }
  });
  return idp;
}
