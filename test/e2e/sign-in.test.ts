import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumArgs, findChromium } from '../../scripts/chromium.mjs';
import { startIdp, type TestIdp } from '../server/support/oidc-provider.js';
import {
  confab,
  examplePage,
  freePort,
  startBlog,
  startConfab,
  tempDir,
  watchErrors,
  type RunningServer,
} from './harness.js';

/**
 * A Chromium profile that blocks third-party cookies (mode 1) or allows them (mode 0).
 * Playwright's default contexts are incognito, which already blocks them; a persistent
 * profile lets the test choose, and a control cookie proves the choice took effect.
 */
async function launchProfile(
  dir: string,
  blockThirdPartyCookies: boolean,
): Promise<BrowserContext> {
  mkdirSync(join(dir, 'Default'), { recursive: true });
  const mode = blockThirdPartyCookies ? 1 : 0;
  writeFileSync(
    join(dir, 'Default', 'Preferences'),
    JSON.stringify({
      profile: { cookie_controls_mode: mode, block_third_party_cookies: blockThirdPartyCookies },
    }),
  );
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error('Chromium not found');
  const context = await chromium.launchPersistentContext(dir, {
    executablePath,
    args: chromiumArgs,
    headless: true,
  });
  // The test identity provider gives readers avatars on img.example: answer them here, as
  // nothing outside this machine can be reached.
  await context.route('https://img.example/**', (route) =>
    route.fulfill({ status: 200, contentType: 'image/png', body: TRANSPARENT_PNG }),
  );
  return context;
}

const TRANSPARENT_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/** A third-party cookie from another site: is it sent back? (remark42#2222's control.) */
async function thirdPartyCookieWorks(page: Page, tracker: string): Promise<boolean> {
  return page.evaluate(async (url) => {
    await fetch(`${url}/set`, { credentials: 'include' });
    const answer = (await (await fetch(`${url}/read`, { credentials: 'include' })).json()) as {
      cookie: string | null;
    };
    return answer.cookie !== null;
  }, tracker);
}

function startTracker(allowOrigin: () => string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const headers: Record<string, string> = {
      'Access-Control-Allow-Origin': allowOrigin(),
      'Access-Control-Allow-Credentials': 'true',
      'Content-Type': 'application/json',
    };
    if (req.url === '/set') headers['Set-Cookie'] = 'control=1; SameSite=None; Secure; Path=/';
    res.writeHead(200, headers).end(JSON.stringify({ cookie: req.headers.cookie ?? null }));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server });
    });
  });
}

for (const blocked of [false, true]) {
  describe(`signing in from a blog on another origin, third-party cookies ${blocked ? 'blocked' : 'allowed'}`, () => {
    const dir = tempDir();
    let idp: TestIdp;
    let server: RunningServer;
    let blog: { origin: string; server: Server };
    let tracker: { url: string; server: Server };
    let context: BrowserContext;

    before(async () => {
      const port = await freePort();
      const serverUrl = `http://127.0.0.1:${port}`;
      idp = await startIdp([`${serverUrl}/auth/keycloak/callback`]);
      blog = await startBlog(examplePage(serverUrl, 'garden'));
      tracker = await startTracker(() => blog.origin);
      const env = {
        CONFAB_DB: join(dir.path, 'confab.sqlite'),
        CONFAB_OIDC_KEYCLOAK_ISSUER: idp.issuer,
        CONFAB_OIDC_KEYCLOAK_CLIENT_ID: idp.clientId,
        CONFAB_OIDC_KEYCLOAK_CLIENT_SECRET: idp.clientSecret,
        CONFAB_OIDC_KEYCLOAK_LABEL: 'Keycloak',
      };
      confab(['site', 'add', 'garden', '--origin', blog.origin], env);
      server = await startConfab(
        ['--port', String(port), '--host', '127.0.0.1', '--public-url', serverUrl],
        env,
      );
      context = await launchProfile(join(dir.path, 'profile'), blocked);
    });

    after(async () => {
      await context.close();
      await server.stop();
      await idp.close();
      blog.server.close();
      tracker.server.close();
      dir.remove();
    });

    it('signs in through the popup, posts as that account, stays signed in, and logs out', async () => {
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${blog.origin}/2026/03/tomatoes/`);
      assert.equal(
        await thirdPartyCookieWorks(page, tracker.url),
        !blocked,
        'control: the cookie setting took effect',
      );

      await page.getByText('Please log in using one of these methods').waitFor();
      await page.getByRole('checkbox', { name: 'Stay signed in' }).check();
      const popupOpened = page.waitForEvent('popup');
      await page.getByRole('button', { name: 'Keycloak' }).click();
      const popup = await popupOpened;
      await popup.locator('input[name="login"]').fill('alice');
      await popup.locator('input[name="password"]').fill('secret');
      await popup.locator('button[type="submit"]').click();
      await popup.locator('button[type="submit"]').click(); // consent
      await page.getByText('You are commenting using your Keycloak account').waitFor();
      assert.equal(
        await page.getByRole('textbox', { name: 'Name' }).count(),
        0,
        'no guest fields when signed in',
      );

      await page.getByRole('textbox', { name: 'Comment' }).fill('Posted while signed in.');
      await page.getByRole('button', { name: 'Post Comment' }).click();
      await page.getByText('Posted while signed in.').waitFor();
      await page
        .locator('confab-comment', { hasText: 'Posted while signed in.' })
        .getByText('Reader alice')
        .waitFor();

      await page.reload();
      await page.getByText('You are commenting using your Keycloak account').waitFor();
      const stored = await page.evaluate(() =>
        Object.keys(localStorage)
          .filter((k) => k.startsWith('confab:session:'))
          .map((k) => localStorage.getItem(k) ?? ''),
      );
      const token = (JSON.parse(stored[0] ?? '{}') as { token?: string }).token ?? '';
      assert.ok(token.length > 20, 'the session is kept in the blog’s localStorage');
      assert.ok(!page.url().includes(token));

      await page.getByRole('button', { name: 'Log Out' }).click();
      await page.getByText('Please log in using one of these methods').waitFor();
      const me = await fetch(`${server.url}/api/v1/me`, {
        headers: { Authorization: `Bearer ${token}`, Origin: blog.origin },
      });
      assert.equal(me.status, 401, 'the old token is refused after logging out');
      assert.deepEqual(errors, []);
    });
  });
}

describe('the demo lets a newcomer sign in without any account', () => {
  const dir = tempDir();
  let server: RunningServer;
  let context: BrowserContext;

  before(async () => {
    const port = await freePort();
    server = await startConfab(
      [
        '--demo',
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--public-url',
        `http://localhost:${port}`,
      ],
      {
        CONFAB_DB: join(dir.path, 'demo.sqlite'),
      },
    );
    context = await launchProfile(join(dir.path, 'profile'), true);
  });

  after(async () => {
    await context.close();
    await server.stop();
    dir.remove();
  });

  it('signs in with the clearly labelled demo account', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/`);
    const popupOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Demo (this server only)' }).click();
    const popup = await popupOpened;
    await popup.getByRole('textbox', { name: 'Name' }).fill('Newcomer');
    await popup.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('You are commenting using your Demo (this server only) account').waitFor();
    await page.getByRole('textbox', { name: 'Comment' }).last().fill('Signed in on the demo');
    await page.getByRole('button', { name: 'Post Comment' }).last().click();
    await page
      .locator('confab-comment', { hasText: 'Signed in on the demo' })
      .getByText('Newcomer')
      .waitFor();
    assert.deepEqual(errors, []);
  });
});
