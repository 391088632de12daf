/**
 * @module routes/me-data
 * A signed-in reader's data rights: `GET /api/v1/me/export` (everything held about them on
 * the session's site, as a JSON download) and `DELETE /api/v1/me` (erasure). Both need the
 * bearer token, from the origin it was issued to.
 */
import { Hono, type Context } from 'hono';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { AppError } from '../errors.js';
import { eraseReader, exportReaderData } from '../services/data/reader-data.js';
import { requireSession, type Session } from '../services/sign-in/sessions.js';
import { bearer, requestOrigin } from './auth.js';

function session(c: Context<AppEnv>, deps: Deps): Promise<Session> {
  return requireSession(
    deps,
    bearer(c),
    requestOrigin(c, deps.config.publicUrl),
    c.req.query('site'),
  );
}

/** Mounted at `/api/v1`. */
export function meDataRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/me/export', async (c) => {
    const { user, siteId, tokenHash } = await session(c, deps);
    const data = await exportReaderData(deps, {
      userId: user.id,
      siteId,
      currentTokenHash: tokenHash,
    });
    if (data === undefined) throw new AppError(401, 'not_signed_in');
    const day = data.exportedAt.slice(0, 10);
    c.header('Content-Disposition', `attachment; filename="confab-${siteId}-${day}.json"`);
    c.header('Cache-Control', 'no-store');
    return c.body(JSON.stringify(data, null, 2), 200, {
      'Content-Type': 'application/json; charset=utf-8',
    });
  });

  routes.delete('/me', async (c) => {
    const { user, siteId } = await session(c, deps);
    const summary = await eraseReader(deps, { userId: user.id, siteId });
    if (summary === undefined) throw new AppError(401, 'not_signed_in');
    deps.logger.info(
      `reader erased on ${siteId}: ${summary.removed} comments removed, ` +
        `${summary.placeholders} left as placeholders, account ${summary.account}`,
    );
    c.header('Cache-Control', 'no-store');
    return c.body(null, 204);
  });

  return routes;
}
