/**
 * @module middleware/method-not-allowed
 * Which methods a path answers to, read from the app's own routes (never a hand-kept
 * copy), so a known path asked with the wrong method is a 405 with `Allow`, not a 404.
 */
import type { Hono } from 'hono';
import { PatternRouter } from 'hono/router/pattern-router';
import type { AppEnv } from '../env.js';

/** Built once the app has all its routes; answers the methods `path` has, or none. */
export function allowedMethods(app: Hono<AppEnv>): (path: string) => string[] {
  const router = new PatternRouter<string>();
  const methods = new Set<string>();
  // `app.use()` middleware is registered as ALL: it does not make a path exist.
  for (const route of app.routes) {
    if (route.method === 'ALL') continue;
    router.add(route.method, route.path, route.method);
    methods.add(route.method);
  }
  return (path) => [...methods].filter((method) => router.match(method, path)[0].length > 0);
}
