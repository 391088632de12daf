/**
 * @module routes/health
 * `GET /healthz`: the server answers and its database does; `503 storage_unavailable` while
 * it cannot be written (see services/common/storage.ts), saying what the database said.
 */
import { Hono } from 'hono';
import type { HealthResponse } from '../contract.js';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { checkHealth } from '../services/common/health.js';

export function healthRoutes(deps: Deps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get('/healthz', async (c) => {
    c.header('Cache-Control', 'no-store');
    await checkHealth(deps);
    return c.json({ status: 'ok' } satisfies HealthResponse);
  });
  return routes;
}
