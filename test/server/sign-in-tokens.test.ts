import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { getRequestListener } from '@hono/node-server';
import { makeTestApp, type TestApp } from './helpers.js';
import { startRogueIdp, type RogueIdp, type Spoil } from './support/rogue-idp.js';
import { beginTx, FetchBrowser, pkcePair, providerUrl } from './support/sign-in-rig.js';

describe('ID token validation against a misbehaving provider (T21, T37)', () => {
  let server: Server;
  let idp: RogueIdp;
  let t: TestApp;

  before(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    idp = await startRogueIdp();
    t = await makeTestApp({
      env: {
        CONFAB_PUBLIC_URL: publicUrl,
        CONFAB_OIDC_ROGUE_ISSUER: idp.issuer,
        CONFAB_OIDC_ROGUE_CLIENT_ID: idp.clientId,
        CONFAB_OIDC_ROGUE_CLIENT_SECRET: idp.clientSecret,
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
    await idp.close();
    await t.close();
  });

  async function callbackStatus(spoil: Spoil): Promise<number> {
    idp.spoil = spoil;
    const started = await beginTx(t, 'rogue', pkcePair().challenge);
    const browser = new FetchBrowser();
    const { response } = await browser.follow(await providerUrl(browser, started));
    return response?.status ?? 0;
  }

  it('accepts a proper token (the control)', async () => {
    assert.equal(await callbackStatus('none'), 200);
  });

  for (const spoil of [
    'alg-none',
    'hs256',
    'unknown-kid',
    'wrong-aud',
    'wrong-nonce',
    'expired',
    'wrong-iss',
  ] as const) {
    it(`refuses an ID token with ${spoil}, and signs nobody in`, async () => {
      const before = await t.deps.db.selectFrom('users').select('id').execute();
      assert.equal(await callbackStatus(spoil), 400);
      const after = await t.deps.db.selectFrom('users').select('id').execute();
      assert.equal(after.length, before.length);
    });
  }
});
