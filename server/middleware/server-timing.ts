/**
 * @module middleware/server-timing
 * `Server-Timing: app;dur=<ms>` on API answers: how long the server spent on the request,
 * from routing to the answer, without the network. `npm run bench` reads it; browsers show
 * it in their developer tools (only to the server's own origin: no Timing-Allow-Origin).
 */
import type { MiddlewareHandler } from 'hono';

export function serverTiming(): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    c.header('Server-Timing', `app;dur=${(performance.now() - started).toFixed(2)}`);
  };
}
