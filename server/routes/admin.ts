/**
 * @module routes/admin
 * `GET /admin`: the moderation app's page, and `GET /admin/admin.js` (+ `.map`): its bundle,
 * built by rollup into dist/admin. The page is the server's own, so it is locked down hard:
 * a CSP that runs only the script carrying this answer's nonce (no inline handlers, no
 * eval), talks only to this origin, and cannot be framed; nothing is cached, since the page
 * is where a moderator's session lives.
 */
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { AdminAsset, Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { AppError } from '../errors.js';
import { builtBody, sendEncoded } from './encoded.js';

/** The page: the app's root element and the bundle, loaded relative to `/admin`. */
function adminPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Confab moderation</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">
  :root { color-scheme: light dark; }
  body { margin: 0; font: 16px/1.5 system-ui, sans-serif; background: Canvas; color: CanvasText; }
  .loading { max-width: 72rem; margin: 2rem auto; padding: 0 1rem; }
</style>
</head>
<body>
<confab-admin><p class="loading">Loading the moderation app…</p></confab-admin>
<noscript><p class="loading">The moderation app needs JavaScript.</p></noscript>
<script type="module" nonce="${nonce}" src="admin/admin.js"></script>
</body>
</html>
`;
}

/** The bundle, in the coding the client takes best, or 304 when its ETag still holds. */
function sendBundle(c: Context<AppEnv>, file: AdminAsset): Response {
  c.header('Content-Type', 'text/javascript; charset=utf-8');
  // Revalidated on every load: a cheap 304 while the build is the same.
  c.header('Cache-Control', 'no-cache');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Cross-Origin-Resource-Policy', 'same-origin');
  return sendEncoded(c, builtBody(file));
}

export function adminRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  const built = (): AdminAsset => {
    if (deps.admin === undefined) {
      throw new AppError(404, 'not_found', {
        detail: 'The moderation app is not built; run `npm run build`.',
      });
    }
    return deps.admin;
  };

  routes.get('/admin', (c) => {
    built();
    // A fresh nonce per answer: the only script this page may run is the one it names.
    const nonce = randomBytes(18).toString('base64');
    c.header(
      'Content-Security-Policy',
      [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        `style-src 'nonce-${nonce}'`,
        // Signed-in moderators' avatars come from their provider.
        "img-src 'self' https: data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
    c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'no-referrer');
    // The sign-in popup must keep its opener: it posts the ticket back to this page.
    c.header('Cross-Origin-Opener-Policy', 'same-origin-allow-popups');
    return c.html(adminPage(nonce));
  });

  routes.get('/admin/admin.js', (c) => sendBundle(c, built()));

  routes.get('/admin/admin.js.map', (c) => {
    const map = built().sourceMap;
    if (map === undefined) throw new AppError(404, 'not_found');
    c.header('Content-Type', 'application/json');
    c.header('Cache-Control', 'no-cache');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(new Uint8Array(map));
  });

  return routes;
}
