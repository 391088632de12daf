/**
 * @module routes/widget
 * `GET /confab.js`: the widget bundle, precompressed (brotli, gzip), with an ETag. Blog
 * pages on other origins load it as a module script, which is fetched in CORS mode: so
 * `Access-Control-Allow-Origin: *` (it is public code, sent without credentials).
 */
import { Hono } from 'hono';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { AppError } from '../errors.js';

export function widgetRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/confab.js', (c) => {
    const widget = deps.widget;
    if (widget === undefined) {
      throw new AppError(404, 'not_found', {
        detail: 'The widget is not built; run `npm run build`.',
      });
    }
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600, stale-while-revalidate=86400');
    c.header('ETag', widget.etag);
    c.header('Vary', 'Accept-Encoding');
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    c.header('X-Content-Type-Options', 'nosniff');
    const tags = (c.req.header('If-None-Match') ?? '').split(',').map((t) => t.trim());
    if (tags.includes(widget.etag) || tags.includes('*')) return c.body(null, 304);
    const accepted = c.req.header('Accept-Encoding') ?? '';
    if (/\bbr\b/.test(accepted)) {
      c.header('Content-Encoding', 'br');
      return c.body(new Uint8Array(widget.brotli));
    }
    if (/\bgzip\b/.test(accepted)) {
      c.header('Content-Encoding', 'gzip');
      return c.body(new Uint8Array(widget.gzip));
    }
    return c.body(new Uint8Array(widget.js));
  });

  routes.get('/confab.js.map', (c) => {
    const map = deps.widget?.sourceMap;
    if (map === undefined) throw new AppError(404, 'not_found');
    c.header('Content-Type', 'application/json');
    c.header('Access-Control-Allow-Origin', '*');
    return c.body(new Uint8Array(map));
  });

  return routes;
}
