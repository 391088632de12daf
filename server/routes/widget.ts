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

/** Codings the client takes (RFC 9110 section 12.5.3): listed, and not with `q=0`. */
function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    if (coding !== '' && (q === undefined || Number(q.slice(2)) > 0)) accepted.add(coding);
  }
  return accepted;
}

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
    const accepted = acceptedEncodings(c.req.header('Accept-Encoding'));
    if (accepted.has('br')) {
      c.header('Content-Encoding', 'br');
      return c.body(new Uint8Array(widget.brotli));
    }
    if (accepted.has('gzip')) {
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
