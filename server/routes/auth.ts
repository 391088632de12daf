/**
 * @module routes/auth
 * The sign-in flow (DESIGN.md section 4): `GET /auth/providers`, `POST /auth/tx`,
 * `GET /auth/:provider/start`, `GET /auth/:provider/callback`, `POST /auth/exchange`,
 * `POST /auth/claim`, `POST /auth/logout`, and `GET /api/v1/me`; and the emailed sign-in's
 * own pages: `GET /auth/email/authorize` (in the popup), `POST /auth/email/request` and
 * `POST /auth/email/code` (from that page), `GET` and `POST /auth/email/link` (the mail's).
 */
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { MeResponse } from '../contract.js';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { AppError, invalid } from '../errors.js';
import { limitBody, readJson, requireJson } from '../middleware/json-body.js';
import { hashClientAddress, resolveClientAddress } from '../services/common/clients.js';
import {
  EMAIL_PROVIDER_ID,
  openEmailSignIn,
  requestEmailSignIn,
  useEmailCode,
  useEmailLink,
  viewEmailLink,
} from '../services/sign-in/email.js';
import { SignInError } from '../services/sign-in/provider-client.js';
import { endSession, requireSession } from '../services/sign-in/sessions.js';
import {
  beginSignIn,
  completeSignIn,
  findStartableSignIn,
  finishSignIn,
  listProviders,
  startSignIn,
} from '../services/sign-in/flow.js';
import {
  emailAuthorizePage,
  emailLinkFailedPage,
  emailLinkPage,
  emailSignedInPage,
  signedInPage,
  signInFailedPage,
  startPage,
  type Page,
} from './auth-pages.js';

const beginInput = z.object({
  site: z.string(),
  provider: z.string(),
  codeChallenge: z.string(),
  startChallenge: z.string(),
});
const startInput = z.object({ tx: z.string().max(100), startKey: z.string().max(100) });
const emailRequestInput = z.object({
  state: z.string().max(100),
  email: z.string().max(2000),
  name: z.string().max(1000).optional(),
});
const emailCodeInput = z.object({
  state: z.string().max(100),
  code: z.string().max(20),
  name: z.string().max(1000).optional(),
});
const completeInput = z.object({
  tx: z.string().max(100),
  verifier: z.string().min(43).max(128),
  ticket: z.string().max(100).optional(),
});

/**
 * The bearer token, if an Authorization header was sent. A header that is present but not
 * a bearer token comes back as it is, so it fails as a bad token (401) instead of being
 * ignored: a reader who meant to be signed in must never end up posting as a guest.
 */
function bearer(c: Context): string | undefined {
  const header = c.req.header('Authorization');
  if (header === undefined) return undefined;
  return /^bearer\s+(\S+)$/i.exec(header.trim())?.[1] ?? header;
}

/**
 * The page's origin. Browsers omit `Origin` on same-origin GETs; `Sec-Fetch-Site` then
 * vouches that the request comes from this server's own origin (the demo's blog page).
 */
export function requestOrigin(c: Context, publicUrl: string): string | undefined {
  const origin = c.req.header('Origin');
  if (origin !== undefined) return origin;
  return c.req.header('Sec-Fetch-Site') === 'same-origin' ? new URL(publicUrl).origin : undefined;
}

function show(c: Context, result: Page, status: ContentfulStatusCode = 200): Response {
  for (const [name, value] of Object.entries(result.headers)) c.header(name, value);
  return c.html(result.html, status);
}

/**
 * The emailed sign-in's forms and fetches work only from its own pages on this server.
 * Those pages send no referrer, so a browser may say `Origin: null` for them; that counts
 * only with `Sec-Fetch-Site: same-origin`, which no page elsewhere can send.
 */
function assertOwnPage(c: Context, publicUrl: string): void {
  const origin = c.req.header('Origin');
  const fetchSite = c.req.header('Sec-Fetch-Site');
  const sameSite = fetchSite === undefined || fetchSite === 'same-origin';
  const own = origin === new URL(publicUrl).origin;
  if (sameSite && (own || (origin === 'null' && fetchSite === 'same-origin'))) return;
  throw new AppError(403, 'origin_not_allowed', {
    detail: 'Only the sign-in pages of this server can do that.',
  });
}

/** The mailed link's pages: a problem is a page too, or problem+json for a client asking for JSON. */
async function linkPage(c: Context<AppEnv>, work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const accept = c.req.header('Accept') ?? '';
    if (/json/.test(accept) && !/text\/html/.test(accept)) throw error;
    const problem = error.toProblem();
    return show(
      c,
      emailLinkFailedPage(problem.title, problem.detail ?? ''),
      error.status as ContentfulStatusCode,
    );
  }
}

/** Routes mounted at `/auth`. */
export function authRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const secure = deps.config.publicUrl.startsWith('https://');
  // __Host- cookies must be Secure with Path=/; over plain http (local use) a plain name.
  const cookieName = secure ? '__Host-confab-tx' : 'confab-tx';
  const json = [limitBody(16 * 1024), requireJson()] as const;

  routes.get('/providers', async (c) => {
    const site = c.req.query('site');
    if (site === undefined || site === '') {
      throw invalid([
        { field: 'site', code: 'required', message: 'The site query parameter is required.' },
      ]);
    }
    return c.json(await listProviders(deps, site));
  });

  routes.post('/tx', ...json, async (c) => {
    const input = await readJson(c, beginInput);
    return c.json(await beginSignIn(deps, input, c.req.header('Origin')), 201);
  });

  routes.get('/:provider/start', async (c) => {
    try {
      const provider = c.req.param('provider');
      const found = await findStartableSignIn(deps, provider, c.req.query('tx') ?? '');
      // "Signing in with email": the emailed link's label is a sentence, not a name.
      const label = provider === EMAIL_PROVIDER_ID ? 'email' : found.label;
      return show(c, startPage({ ...found, label, post: `/auth/${provider}/start` }));
    } catch (error) {
      if (error instanceof SignInError) return show(c, signInFailedPage(error.message), 400);
      throw error;
    }
  });

  // Called only by the start page above, on this server's own origin.
  routes.post('/:provider/start', ...json, async (c) => {
    if (c.req.header('Origin') !== new URL(deps.config.publicUrl).origin) {
      throw new AppError(403, 'origin_not_allowed', {
        detail: 'Only the sign-in page can start it.',
      });
    }
    const input = await readJson(c, startInput);
    try {
      const { redirect, browserSecret, cookieSeconds } = await startSignIn(
        deps,
        c.req.param('provider'),
        input.tx,
        input.startKey,
      );
      setCookie(c, cookieName, browserSecret, {
        httpOnly: true,
        secure,
        sameSite: 'Lax',
        path: '/',
        maxAge: cookieSeconds,
      });
      c.header('Cache-Control', 'no-store');
      return c.json({ redirect: redirect.href });
    } catch (error) {
      if (error instanceof SignInError)
        throw new AppError(400, 'sign_in_failed', { detail: error.message });
      throw error;
    }
  });

  routes.get('/:provider/callback', async (c) => {
    // The callback URL as configured (never rebuilt from Host or X-Forwarded-*), with the
    // provider's query parameters.
    const callbackUrl = new URL(
      `${deps.config.publicUrl}/auth/${c.req.param('provider')}/callback`,
    );
    callbackUrl.search = new URL(c.req.url).search;
    try {
      const done = await finishSignIn(
        deps,
        c.req.param('provider'),
        callbackUrl,
        getCookie(c, cookieName),
      );
      setCookie(c, cookieName, '', {
        httpOnly: true,
        secure,
        sameSite: 'Lax',
        path: '/',
        maxAge: 0,
      });
      return show(c, signedInPage(done));
    } catch (error) {
      if (error instanceof SignInError) {
        const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
        deps.logger.info(`sign-in via ${c.req.param('provider')} failed: ${error.code}${cause}`);
        const context =
          error.transaction === undefined ? undefined : { ...error.transaction, code: error.code };
        return show(c, signInFailedPage(error.message, context), 400);
      }
      throw error;
    }
  });

  // The emailed sign-in (services/sign-in/email.ts): its page in the popup, then the mail's.
  routes.get('/email/authorize', async (c) => {
    const state = c.req.query('state');
    try {
      const { tx, siteName } = await openEmailSignIn(deps, state, getCookie(c, cookieName));
      return show(
        c,
        emailAuthorizePage({ state: state ?? '', tx: tx.id, origin: tx.origin, siteName }),
      );
    } catch (error) {
      if (error instanceof SignInError) return show(c, signInFailedPage(error.message), 400);
      throw error;
    }
  });

  routes.post('/email/request', ...json, async (c) => {
    assertOwnPage(c, deps.config.publicUrl);
    const input = await readJson(c, emailRequestInput);
    const address = resolveClientAddress(
      deps.config.trustProxy,
      // `app.request()` without an env (tests, other runtimes) leaves c.env undefined.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      c.env?.incoming?.socket.remoteAddress,
      c.req.header('X-Forwarded-For'),
    );
    const caller = {
      origin: c.req.header('Origin'),
      clientHash: hashClientAddress(deps.secret, address),
    };
    c.header('Cache-Control', 'no-store');
    return c.json(await requestEmailSignIn(deps, input, getCookie(c, cookieName), caller), 202);
  });

  routes.post('/email/code', ...json, async (c) => {
    assertOwnPage(c, deps.config.publicUrl);
    const input = await readJson(c, emailCodeInput);
    c.header('Cache-Control', 'no-store');
    return c.json(await useEmailCode(deps, input, getCookie(c, cookieName)));
  });

  routes.get('/email/link', (c) =>
    linkPage(c, async () => {
      const view = await viewEmailLink(deps, c.req.query('t'), getCookie(c, cookieName));
      return show(c, emailLinkPage(view));
    }),
  );

  // The link page's button (a form posting back to the same URL).
  routes.post('/email/link', limitBody(16 * 1024), (c) =>
    linkPage(c, async () => {
      assertOwnPage(c, deps.config.publicUrl);
      const form: Record<string, unknown> = await c.req.parseBody().catch((error: unknown) => {
        // A body over the limit is refused as such; a form that does not parse names no one.
        if (error instanceof AppError) throw error;
        return {};
      });
      const name = typeof form.name === 'string' ? form.name : undefined;
      const token = c.req.query('t');
      const browserSecret = getCookie(c, cookieName);
      try {
        const done = await useEmailLink(deps, token, browserSecret, name);
        return show(c, emailSignedInPage(done));
      } catch (error) {
        // A name that does not do: the same page again, saying why.
        if (error instanceof AppError && error.code === 'validation_failed') {
          const view = await viewEmailLink(deps, token, browserSecret);
          const message = error.options.errors?.[0]?.message ?? error.message;
          return show(c, emailLinkPage({ ...view, error: message }), 422);
        }
        throw error;
      }
    }),
  );

  routes.post('/exchange', ...json, async (c) => {
    const input = await readJson(c, completeInput.required({ ticket: true }));
    return c.json(await completeSignIn(deps, input, c.req.header('Origin')));
  });

  routes.post('/claim', ...json, async (c) => {
    const input = await readJson(c, completeInput.omit({ ticket: true }));
    const result = await completeSignIn(deps, input, c.req.header('Origin'));
    return 'pending' in result ? c.json(result, 202) : c.json(result);
  });

  routes.post('/logout', async (c) => {
    const session = await requireSession(deps, bearer(c), c.req.header('Origin'));
    await endSession(deps, session);
    return c.body(null, 204);
  });

  return routes;
}

/** `GET /api/v1/me`, mounted with the other API routes. */
export function meRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get('/me', async (c) => {
    const session = await requireSession(
      deps,
      bearer(c),
      requestOrigin(c, deps.config.publicUrl),
      c.req.query('site'),
    );
    return c.json({
      user: session.user,
      site: session.siteId,
      expiresAt: session.expiresAt,
    } satisfies MeResponse);
  });
  return routes;
}

export { bearer };
