/**
 * @module routes/threads
 * `GET /api/v1/threads` and `GET /api/v1/counts`: public reads. A thread page carries an
 * ETag of its bytes and is revalidated on every use (`no-cache`): a browser or a reverse
 * proxy keeps it and gets a `304` until the thread changes, never a stale page. Pages for
 * anonymous readers are `public`; a signed-in reader's (their own held comments, or a
 * moderator's view) are `private`.
 */
import { Hono } from 'hono';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { invalid } from '../errors.js';
import { countComments, readThreadPage } from '../services/reading/threads.js';
import { bearer, requestOrigin } from './auth.js';
import { sendEncoded } from './encoded.js';

function required(value: string | undefined, field: string): string {
  if (value === undefined || value === '') {
    throw invalid([
      { field, code: 'required', message: `The ${field} query parameter is required.` },
    ]);
  }
  return value;
}

export function threadRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/threads', async (c) => {
    const site = required(c.req.query('site'), 'site');
    const thread = required(c.req.query('thread'), 'thread');
    const { page, shared } = await readThreadPage(
      deps,
      {
        site,
        thread,
        sort: c.req.query('sort'),
        cursor: c.req.query('cursor'),
        limit: c.req.query('limit'),
        around: c.req.query('around'),
      },
      { sessionToken: bearer(c), origin: requestOrigin(c, deps.config.publicUrl) },
    );
    c.header('Content-Type', 'application/json');
    c.header('Cache-Control', shared ? 'public, no-cache' : 'private, no-cache');
    // A reader's token changes what they see; caches must not hand one reader's page on.
    c.header('Vary', 'Authorization', { append: true });
    return sendEncoded(c, { etag: page.etag, identity: page.json, encoded: page.encoded });
  });

  routes.get('/counts', async (c) => {
    const site = required(c.req.query('site'), 'site');
    return c.json(await countComments(deps, site, c.req.queries('thread') ?? []));
  });

  return routes;
}
