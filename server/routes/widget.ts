/**
 * @module routes/widget
 * `GET /confab.js`: the widget bundle, and `GET /confab-<name>-<hash>.js`: the chunks it
 * loads later (the sign-in UI), precompressed (brotli, gzip), with an ETag. Blog pages on
 * other origins load them as module scripts, which are fetched in CORS mode: so
 * `Access-Control-Allow-Origin: *` (it is public code, sent without credentials). A
 * chunk's name carries its content's hash, so it is cached for good; `confab.js` keeps
 * its URL and is revalidated.
 */
import { Hono, type Context } from 'hono';
import type { Deps, WidgetAsset } from '../deps.js';
import type { AppEnv } from '../env.js';
import { AppError } from '../errors.js';
import { builtBody, sendEncoded } from './encoded.js';

type WidgetFile = Omit<WidgetAsset, 'chunks'>;

/** A built file, in the coding the client takes best, or 304 when its ETag still holds. */
function sendScript(c: Context<AppEnv>, file: WidgetFile, cacheControl: string): Response {
  c.header('Content-Type', 'text/javascript; charset=utf-8');
  c.header('Cache-Control', cacheControl);
  c.header('Access-Control-Allow-Origin', '*');
  c.header('Cross-Origin-Resource-Policy', 'cross-origin');
  c.header('X-Content-Type-Options', 'nosniff');
  return sendEncoded(c, builtBody(file));
}

function sendSourceMap(c: Context<AppEnv>, map: Buffer | undefined, cacheControl?: string) {
  if (map === undefined) throw new AppError(404, 'not_found');
  c.header('Content-Type', 'application/json');
  c.header('Access-Control-Allow-Origin', '*');
  c.header('X-Content-Type-Options', 'nosniff');
  if (cacheControl !== undefined) c.header('Cache-Control', cacheControl);
  return c.body(new Uint8Array(map));
}

/** A hashed name's content never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export function widgetRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  const built = (): WidgetAsset => {
    if (deps.widget === undefined) {
      throw new AppError(404, 'not_found', {
        detail: 'The widget is not built; run `npm run build`.',
      });
    }
    return deps.widget;
  };

  routes.get('/confab.js', (c) =>
    // Revalidated on every load (a cheap 304 with the ETag): a stale confab.js would ask for
    // a lazy chunk that a new build no longer has.
    sendScript(c, built(), 'public, no-cache'),
  );

  routes.get('/confab.js.map', (c) => sendSourceMap(c, deps.widget?.sourceMap));

  // `confab-<name>-<hash>.js` and its `.map`. The name only picks one of the files loaded
  // at startup, by exact file name (see `loadWidget`); it never becomes a path.
  routes.get('/:chunk{confab-[a-z0-9-]+\\.js(?:\\.map)?}', (c) => {
    const name = c.req.param('chunk');
    const map = name.endsWith('.map');
    const chunk = built().chunks.get(map ? name.slice(0, -'.map'.length) : name);
    if (chunk === undefined) throw new AppError(404, 'not_found');
    return map ? sendSourceMap(c, chunk.sourceMap, IMMUTABLE) : sendScript(c, chunk, IMMUTABLE);
  });

  return routes;
}
