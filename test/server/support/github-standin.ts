/**
 * A local stand-in for GitHub's OAuth endpoints (as on GitHub Enterprise: /login/oauth/*
 * and /api/v3/user), with PKCE checked the way GitHub checks it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHubStandIn {
  url: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export async function startGitHub(user: Record<string, unknown>): Promise<GitHubStandIn> {
  const clientId = 'gh-client';
  const clientSecret = 'gh-secret-gh-secret-gh-secret';
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const tokens = new Set<string>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      if (
        url.searchParams.get('client_id') !== clientId ||
        url.searchParams.get('code_challenge_method') !== 'S256'
      ) {
        res.writeHead(400).end('bad authorize request');
        return;
      }
      const code = randomBytes(10).toString('hex');
      codes.set(code, { challenge: url.searchParams.get('code_challenge') ?? '', redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { Location: back.href }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(raw);
        const basic = Buffer.from(
          (req.headers.authorization ?? '').replace(/^Basic /, ''),
          'base64',
        ).toString();
        // GitHub takes client credentials in the body or as HTTP Basic.
        const [id, secret] =
          form.get('client_id') !== null
            ? [form.get('client_id'), form.get('client_secret')]
            : basic.split(':').map(decodeURIComponent);
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const ok =
          id === clientId &&
          secret === clientSecret &&
          grant !== undefined &&
          grant.redirectUri === form.get('redirect_uri') &&
          createHash('sha256').update(verifier).digest('base64url') === grant.challenge;
        if (!ok) {
          res
            .writeHead(400, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ error: 'bad_verification_code' }));
          return;
        }
        const token = randomBytes(16).toString('hex');
        tokens.add(token);
        res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ access_token: token, token_type: 'bearer', scope: 'read:user' }));
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/v3/user') {
      const token = (req.headers.authorization ?? '').replace(/^(Bearer|token) /i, '');
      if (!tokens.has(token)) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(user));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
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
