import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, ORIGIN, type TestApp } from './helpers.js';
import { startGitHub, type GitHubStandIn } from './support/github-standin.js';
import {
  beginTx,
  FetchBrowser,
  pkcePair,
  providerUrl,
  ticketIn,
  serveApp,
  type ServedApp,
} from './support/sign-in-rig.js';

describe('sign-in with GitHub (a local stand-in of its OAuth endpoints, as GitHub Enterprise)', () => {
  let github: GitHubStandIn;
  let served: ServedApp;
  let t: TestApp;

  before(async () => {
    github = await startGitHub({
      id: 583231,
      login: 'octocat',
      name: 'The Octocat',
      avatar_url: 'https://avatars.example/u/583231',
      html_url: 'https://github.example/octocat',
      email: 'octocat@github.example',
    });
    served = await serveApp(() => ({
      CONFAB_GITHUB_CLIENT_ID: github.clientId,
      CONFAB_GITHUB_CLIENT_SECRET: github.clientSecret,
      CONFAB_GITHUB_URL: github.url,
    }));
    t = served.t;
  });

  after(async () => {
    await served.close();
    await github.close();
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
