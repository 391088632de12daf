/**
 * @module routes/stream
 * `GET /api/v1/stream?site=S&thread=K`: the thread's live events as Server-Sent Events
 * (`services/live/`). Resume with `Last-Event-ID` or, for clients that cannot set it, the
 * `lastEventId` parameter (the header wins). Signed-in readers send their session as
 * `Authorization: Bearer` like every other request; no token ever goes in the URL.
 *
 * Reverse proxies: `X-Accel-Buffering: no` tells nginx not to buffer the answer, and
 * `Cache-Control: no-store` that nothing may keep it; the stream is never compressed (a
 * compressor holds bytes back until it has enough). README "Live updates" has the settings.
 */
import { Hono } from 'hono';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { invalid } from '../errors.js';
import { openLiveStream } from '../services/live/open.js';
import { bearer, requestOrigin } from './auth.js';
import { callerOf } from './caller.js';

function required(value: string | undefined, field: string): string {
  if (value === undefined || value === '') {
    throw invalid([
      { field, code: 'required', message: `The ${field} query parameter is required.` },
    ]);
  }
  return value;
}

export function streamRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/stream', async (c) => {
    const site = required(c.req.query('site'), 'site');
    const thread = required(c.req.query('thread'), 'thread');
    const body = await openLiveStream(
      deps,
      { site, thread, lastEventId: c.req.header('Last-Event-ID') ?? c.req.query('lastEventId') },
      {
        sessionToken: bearer(c),
        origin: requestOrigin(c, deps.config.publicUrl),
        client: callerOf(c, deps).clientHash,
      },
    );
    return c.body(body, 200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
  });

  return routes;
}
