/**
 * @module routes/caller
 * What a request says about who sent it, for the services (which never see Hono).
 */
import type { Context } from 'hono';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { hashClientAddress, resolveClientAddress } from '../services/common/clients.js';
import type { Caller } from '../services/common/authorship.js';
import { bearer } from './auth.js';

export function callerOf(c: Context<AppEnv>, deps: Deps): Caller {
  const address = resolveClientAddress(
    deps.config.trustProxy,
    // `app.request()` without an env (tests, other runtimes) leaves c.env undefined.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    c.env?.incoming?.socket.remoteAddress,
    c.req.header('X-Forwarded-For'),
  );
  const key = c.req.header('Idempotency-Key');
  return {
    origin: c.req.header('Origin'),
    clientHash: hashClientAddress(deps.secret, address),
    editToken: c.req.header('Confab-Edit-Token'),
    idempotencyKey: key !== undefined && /^[\x21-\x7E]{1,100}$/.test(key) ? key : undefined,
    sessionToken: bearer(c),
    address,
    userAgent: c.req.header('User-Agent')?.slice(0, 500),
    referrer: c.req.header('Referer')?.slice(0, 2000),
  };
}
