/**
 * @module routes/threads
 * `GET /api/v1/threads` and `GET /api/v1/counts`: public reads.
 */
import { Hono } from 'hono';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { invalid } from '../errors.js';
import { countComments, readThread } from '../services/reading/threads.js';
import { bearer, requestOrigin } from './auth.js';

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
    const response = await readThread(
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
    return c.json(response);
  });

  routes.get('/counts', async (c) => {
    const site = required(c.req.query('site'), 'site');
    return c.json(await countComments(deps, site, c.req.queries('thread') ?? []));
  });

  return routes;
}
