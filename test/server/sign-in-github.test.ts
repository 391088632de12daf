import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { getRequestListener } from '@hono/node-server';
import { json, makeTestApp, ORIGIN, type TestApp } from './helpers.js';
import { startGitHub, type GitHubStandIn } from './support/github-standin.js';
import { beginTx, FetchBrowser, pkcePair, providerUrl, ticketIn } from './support/sign-in-rig.js';

describe('sign-in with GitHub (a local stand-in of its OAuth endpoints, as GitHub Enterprise)', () => {
  let server: Server;
  let github: GitHubStandIn;
  let t: TestApp;

  before(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    github = await startGitHub({
      id: 583231,
      login: 'octocat',
      name: 'The Octocat',
      avatar_url: 'https://avatars.example/u/583231',
      html_url: 'https://github.example/octocat',
      email: 'octocat@github.example',
    });
    t = await makeTestApp({
      env: {
        CONFAB_PUBLIC_URL: publicUrl,
        CONFAB_GITHUB_CLIENT_ID: github.clientId,
        CONFAB_GITHUB_CLIENT_SECRET: github.clientSecret,
        CONFAB_GITHUB_URL: github.url,
      },
    });
    const listener = getRequestListener(t.app.fetch);
    server.on('request', (req, res) => {
      void listener(req, res);
    });
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await github.close();
    await t.close();
  });

  it('signs in with PKCE and knows the account by its numeric id, never its email', async () => {
    const { verifier, challenge } = pkcePair();
    const started = await beginTx(t, 'github', challenge);
    const { tx } = started;
    const browser = new FetchBrowser();
    const { url, response } = await browser.follow(await providerUrl(browser, started));
    assert.equal(url.pathname, '/auth/github/callback');
    assert.equal(response?.status, 200);
    const ticket = ticketIn(await response.text());
    const res = await t.request('/auth/exchange', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ tx, ticket, verifier }),
    });
    assert.equal(res.status, 200);
    const session = await json<{ user: { name: string; provider: string; avatarUrl: string } }>(
      res,
    );
    assert.deepEqual(
      {
        name: session.user.name,
        provider: session.user.provider,
        avatarUrl: session.user.avatarUrl,
      },
      { name: 'The Octocat', provider: 'github', avatarUrl: 'https://avatars.example/u/583231' },
    );
    const users = await t.deps.db.selectFrom('users').select(['provider', 'subject']).execute();
    assert.deepEqual(users, [{ provider: 'github', subject: '583231' }]);
    assert.ok(!JSON.stringify(session).includes('octocat@github.example'));
  });

  it('lists GitHub among the providers', async () => {
    const res = await t.request(`/auth/providers?site=blog`, { origin: ORIGIN });
    assert.deepEqual(await res.json(), [{ id: 'github', name: 'GitHub' }]);
  });
});
