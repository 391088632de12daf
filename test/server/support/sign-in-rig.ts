/**
 * A sign-in rig: the app on a real loopback port (the identity provider redirects the
 * "browser" back to it), a real OpenID Provider, and helpers to walk the popup.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { replaceSiteRole } from '../../../server/store/users.js';
import { makeTestApp, ORIGIN, type TestApp } from '../helpers.js';
import { FetchBrowser } from './browser.js';
import { startIdp, type TestIdp } from './oidc-provider.js';

export interface Rig {
  t: TestApp;
  idp: TestIdp;
  publicUrl: string;
  close(): Promise<void>;
}

export interface ServedApp {
  t: TestApp;
  publicUrl: string;
  close(): Promise<void>;
}

/**
 * The app on a real loopback port (providers redirect the "browser" back to it). The port,
 * hence the public URL, is known before the app is built from `env(publicUrl)`.
 */
export async function serveApp(
  env: (publicUrl: string) => Promise<NodeJS.ProcessEnv> | NodeJS.ProcessEnv,
): Promise<ServedApp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = await makeTestApp({ env: { CONFAB_PUBLIC_URL: publicUrl, ...(await env(publicUrl)) } });
  const listener = getRequestListener(t.app.fetch);
  server.on('request', (req, res) => {
    void listener(req, res);
  });
  return {
    t,
    publicUrl,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    },
  };
}

/** Providers `keycloak` and `authentik`, both on one test IdP (for mix-up tests). */
export async function startRig(): Promise<Rig> {
  let idp: TestIdp | undefined;
  const served = await serveApp(async (publicUrl) => {
    idp = await startIdp([
      `${publicUrl}/auth/keycloak/callback`,
      `${publicUrl}/auth/authentik/callback`,
    ]);
    return {
      CONFAB_OIDC_KEYCLOAK_ISSUER: idp.issuer,
      CONFAB_OIDC_KEYCLOAK_CLIENT_ID: idp.clientId,
      CONFAB_OIDC_KEYCLOAK_CLIENT_SECRET: idp.clientSecret,
      CONFAB_OIDC_KEYCLOAK_LABEL: 'Keycloak',
      CONFAB_OIDC_AUTHENTIK_ISSUER: idp.issuer,
      CONFAB_OIDC_AUTHENTIK_CLIENT_ID: idp.clientId,
      CONFAB_OIDC_AUTHENTIK_CLIENT_SECRET: idp.clientSecret,
    };
  });
  if (idp === undefined) throw new Error('no identity provider');
  const started = idp;
  return {
    t: served.t,
    idp: started,
    publicUrl: served.publicUrl,
    close: async () => {
      await started.close();
      await served.close();
    },
  };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface Tx {
  tx: string;
  startUrl: string;
  /** What the widget hands its popup by postMessage (its S256 went to /auth/tx). */
  startKey: string;
}

export async function beginTx(
  t: TestApp,
  provider: string,
  challenge: string,
  origin: string = ORIGIN,
  site = 'blog',
): Promise<Tx> {
  const start = pkcePair();
  const res = await t.request('/auth/tx', {
    method: 'POST',
    origin,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      site,
      provider,
      codeChallenge: challenge,
      startChallenge: start.challenge,
    }),
  });
  if (res.status !== 201) throw new Error(`POST /auth/tx: ${res.status} ${await res.text()}`);
  return { ...((await res.json()) as { tx: string; startUrl: string }), startKey: start.verifier };
}

/**
 * What the popup's start page does once the widget gave it the start key: hands it to the
 * server (from the server's own origin) and gets the provider's URL, with the cookie.
 */
export async function startInPopup(
  browser: FetchBrowser,
  tx: Tx,
  startKey = tx.startKey,
): Promise<Response> {
  const page = await browser.request(tx.startUrl);
  if (page.status !== 200) return page;
  return browser.request(tx.startUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: new URL(tx.startUrl).origin },
    body: JSON.stringify({ tx: tx.tx, startKey }),
  });
}

/** Through the start page to the provider's authorization URL. */
export async function providerUrl(browser: FetchBrowser, tx: Tx): Promise<URL> {
  const res = await startInPopup(browser, tx);
  if (res.status !== 200) throw new Error(`start: ${res.status} ${await res.text()}`);
  return new URL(((await res.json()) as { redirect: string }).redirect);
}

/**
 * Walks the popup from `startUrl` through the IdP's login and consent as `login`, and
 * stops before the callback. Returns the callback URL the IdP sent the browser to.
 */
export async function signInAtIdp(browser: FetchBrowser, tx: Tx, login: string): Promise<URL> {
  const startUrl = await providerUrl(browser, tx);
  const atInteraction = (u: URL): boolean => u.pathname.startsWith('/interaction/');
  const atCallback = (u: URL): boolean =>
    u.pathname.startsWith('/auth/') && u.pathname.endsWith('/callback');
  let step = await browser.follow(startUrl, (u) => atInteraction(u) || atCallback(u));
  for (let i = 0; i < 3 && !atCallback(step.url); i++) {
    const page = await browser.request(step.url);
    const html = await page.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1] ?? 'login';
    const next = await browser.submit(
      step.url,
      prompt === 'login' ? { prompt, login, password: 'x' } : { prompt },
    );
    step = await browser.follow(next, (u) => atInteraction(u) || atCallback(u));
  }
  return step.url;
}

/** The ticket in a callback page (it travels in the page body, never in a URL). */
export function ticketIn(html: string): string | undefined {
  return /"ticket":"([\w-]+)"/.exec(html)?.[1];
}

export async function makeOwner(t: TestApp, provider: string, subject: string): Promise<void> {
  await replaceSiteRole(t.deps.db, 'blog', { provider, subject, role: 'owner' });
}

export { FetchBrowser };
