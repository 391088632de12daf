import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from './helpers.js';
import { startRogueIdp, type RogueIdp, type Spoil } from './support/rogue-idp.js';
import {
  beginTx,
  FetchBrowser,
  pkcePair,
  providerUrl,
  serveApp,
  type ServedApp,
} from './support/sign-in-rig.js';

describe('ID token validation against a misbehaving provider (T21, T37)', () => {
  let idp: RogueIdp;
  let served: ServedApp;
  let t: TestApp;

  before(async () => {
    idp = await startRogueIdp();
    served = await serveApp(() => ({
      CONFAB_OIDC_ROGUE_ISSUER: idp.issuer,
      CONFAB_OIDC_ROGUE_CLIENT_ID: idp.clientId,
      CONFAB_OIDC_ROGUE_CLIENT_SECRET: idp.clientSecret,
    }));
    t = served.t;
  });

  after(async () => {
    await served.close();
    await idp.close();
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
