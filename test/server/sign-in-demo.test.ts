import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addSite } from '../../server/services/sites/sites.js';
import { json, makeTestApp, ORIGIN, type TestApp } from './helpers.js';
import {
  beginTx,
  FetchBrowser,
  pkcePair,
  providerUrl,
  ticketIn,
  serveApp,
  type ServedApp,
} from './support/sign-in-rig.js';

describe('the demo’s identity provider', () => {
  let served: ServedApp;
  let t: TestApp;

  before(async () => {
    served = await serveApp(() => ({ CONFAB_DEMO: 'true' }));
    t = served.t;
    await addSite(t.deps, 'demo', { origins: [ORIGIN], minFillSeconds: 0 });
  });

  after(() => served.close());

  it('is offered, clearly labelled, and signs in as the chosen name through the same checks', async () => {
    const providers = await t.request('/auth/providers?site=demo');
    assert.deepEqual(await providers.json(), [{ id: 'demo', name: 'Demo (this server only)' }]);
    const { verifier, challenge } = pkcePair();
    const started = await beginTx(t, 'demo', challenge, ORIGIN, 'demo');
    const { tx } = started;
    const browser = new FetchBrowser();
    const { url, response } = await browser.follow(await providerUrl(browser, started));
    assert.equal(url.pathname, '/auth/demo/authorize');
    assert.match(await (response as Response).text(), /no account anywhere is involved/i);
    const callback = new URL('/auth/demo/callback', url);
    callback.searchParams.set('state', url.searchParams.get('state') ?? '');
    callback.searchParams.set('name', 'Ada');
    const stranger = await new FetchBrowser().request(callback);
    assert.equal(stranger.status, 400, 'the transaction cookie still binds the browser');
    const page = await browser.request(callback);
    assert.equal(page.status, 200);
    const res = await t.request('/auth/exchange', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ tx, ticket: ticketIn(await page.text()), verifier }),
    });
    assert.equal(res.status, 200);
    assert.equal(
      (await json<{ user: { name: string; provider: string } }>(res)).user.provider,
      'demo',
    );
  });

  it('is never offered to another site on the same server', async () => {
    assert.deepEqual(await (await t.request('/auth/providers?site=blog')).json(), []);
    const { challenge } = pkcePair();
    await assert.rejects(beginTx(t, 'demo', challenge), /404/);
  });
});

describe('outside the demo', () => {
  it('offers no demo sign-in and serves no demo page', async () => {
    const t = await makeTestApp();
    try {
      assert.deepEqual(await (await t.request('/auth/providers?site=blog')).json(), []);
      assert.equal((await t.request('/auth/demo/authorize?state=x')).status, 404);
      assert.equal((await t.request('/auth/demo/start?tx=x', { origin: null })).status, 404);
    } finally {
      await t.close();
    }
  });
});
