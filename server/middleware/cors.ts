/**
 * @module middleware/cors
 * CORS that answers only configured origins, exactly: the `site` named in the query when
 * there is one, else any site's (a preflight does not say which site it is for; the write
 * itself is then checked against its own site). Never `*`, never credentials: readers
 * authenticate with headers, not cookies.
 */
import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../deps.js';
import { findSite, isKnownOrigin } from '../services/sites/sites.js';

const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS =
  'Content-Type, Authorization, Confab-Edit-Token, Confab-Voter, Idempotency-Key';
const EXPOSE_HEADERS = 'Retry-After';

async function allowed(deps: Deps, origin: string, siteId: string | undefined): Promise<boolean> {
  if (siteId !== undefined)
    return (await findSite(deps, siteId))?.origins.includes(origin) ?? false;
  return isKnownOrigin(deps, origin);
}

export function siteCors(deps: Deps): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('Origin');
    const ok = origin !== undefined && (await allowed(deps, origin, c.req.query('site')));
    if (c.req.method === 'OPTIONS') {
      c.header('Vary', 'Origin');
      if (!ok) return c.body(null, 204);
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Allow-Methods', ALLOW_METHODS);
      c.header('Access-Control-Allow-Headers', ALLOW_HEADERS);
      c.header('Access-Control-Max-Age', '600');
      return c.body(null, 204);
    }
    await next();
    c.header('Vary', 'Origin', { append: true });
    if (ok) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    }
  };
}
