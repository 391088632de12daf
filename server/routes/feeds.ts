/**
 * @module routes/feeds
 * `GET /feeds/{site}/comments.atom` and `GET /feeds/{site}/thread.atom?thread=/path/`: Atom
 * feeds of published comments, public, cached a minute, with an ETag (`304` when unchanged).
 */
import { Hono, type Context } from 'hono';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { siteFeed, threadFeed, type Feed } from '../services/reading/feeds.js';

/** If-None-Match by the weak comparison (RFC 9110 section 13.1.2), `*` included. */
function unchanged(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

async function answer(c: Context<AppEnv>, feed: Feed): Promise<Response> {
  const etag = `W/"${feed.tag}"`;
  c.header('ETag', etag);
  c.header('Cache-Control', 'public, max-age=60');
  c.header('X-Content-Type-Options', 'nosniff');
  // A feed is data: opened directly, it may run nothing and load nothing.
  c.header('Content-Security-Policy', "default-src 'none'; sandbox");
  if (unchanged(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
  c.header('Content-Type', 'application/atom+xml; charset=utf-8');
  return c.body(await feed.render());
}

export function feedRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get('/feeds/:site/comments.atom', async (c) =>
    answer(c, await siteFeed(deps, c.req.param('site'))),
  );
  routes.get('/feeds/:site/thread.atom', async (c) =>
    answer(c, await threadFeed(deps, c.req.param('site'), c.req.query('thread'))),
  );
  return routes;
}
