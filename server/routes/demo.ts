/**
 * @module routes/demo
 * `serve --demo`: a sample blog post at `/` that embeds the widget exactly as the README
 * tells bloggers to. Only mounted in demo mode.
 */
import { Hono } from 'hono';
import { demoPage } from '../demo/page.js';
import { demoAuthorizePage } from './auth-pages.js';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';

export function demoRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get('/', (c) => {
    c.header(
      'Content-Security-Policy',
      `default-src 'self' ${deps.config.publicUrl}; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'`,
    );
    c.header('X-Content-Type-Options', 'nosniff');
    return c.html(demoPage(deps.config.publicUrl));
  });
  // The demo identity provider's page (see services/demo-identity.ts).
  routes.get('/auth/demo/authorize', (c) => {
    const page = demoAuthorizePage(c.req.query('state') ?? '');
    for (const [name, value] of Object.entries(page.headers)) c.header(name, value);
    return c.html(page.html);
  });
  return routes;
}
