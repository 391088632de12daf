/**
 * @module app
 * `createApp(deps)`: the whole HTTP surface as a Hono app. Tests drive it with
 * `app.request()`; `cli.ts serve` puts it on a port with @hono/node-server.
 */
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Deps } from './deps.js';
import type { AppEnv } from './env.js';
import { AppError } from './errors.js';
import { siteCors } from './middleware/cors.js';
import { apiSecurityHeaders } from './middleware/security-headers.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes, meRoutes } from './routes/auth.js';
import { commentRoutes } from './routes/comments.js';
import { moderationRoutes } from './routes/moderation.js';
import { meDataRoutes } from './routes/me-data.js';
import { demoRoutes } from './routes/demo.js';
import { threadRoutes } from './routes/threads.js';
import { widgetRoutes } from './routes/widget.js';

/** Known paths and their methods, so a wrong method is a 405 with `Allow`, not a 404. */
const KNOWN: [RegExp, string][] = [
  [/^\/api\/v1\/threads$/, 'GET'],
  [/^\/api\/v1\/counts$/, 'GET'],
  [/^\/api\/v1\/comments$/, 'POST'],
  [/^\/api\/v1\/comments\/[^/]+$/, 'PATCH, DELETE'],
  [/^\/api\/v1\/preview$/, 'POST'],
  [/^\/api\/v1\/guard$/, 'GET'],
  [/^\/api\/v1\/moderation\/(sites|comments|audit)$/, 'GET'],
  [/^\/api\/v1\/moderation\/bans$/, 'GET, POST'],
  [/^\/api\/v1\/moderation\/actions$/, 'POST'],
  [/^\/api\/v1\/moderation\/comments\/[^/]+$/, 'PATCH'],
  [/^\/api\/v1\/moderation\/threads\/lock$/, 'PUT'],
  [/^\/api\/v1\/moderation\/bans\/[^/]+$/, 'DELETE'],
  [/^\/api\/v1\/moderation\/settings$/, 'GET, PATCH'],
  [/^\/api\/v1\/me$/, 'GET, DELETE'],
  [/^\/api\/v1\/me\/export$/, 'GET'],
  [/^\/auth\/providers$/, 'GET'],
  [/^\/auth\/(tx|exchange|claim|logout)$/, 'POST'],
  [/^\/auth\/[^/]+\/start$/, 'GET, POST'],
  [/^\/auth\/[^/]+\/callback$/, 'GET'],
  [/^\/healthz$/, 'GET'],
  [/^\/confab\.js$/, 'GET'],
  [/^\/confab\.js\.map$/, 'GET'],
  [/^\/admin$/, 'GET'],
  [/^\/admin\/admin\.js(\.map)?$/, 'GET'],
];

function problem(c: Context, error: AppError): Response {
  for (const [name, value] of Object.entries(error.options.headers ?? {})) c.header(name, value);
  c.header('Content-Type', 'application/problem+json');
  c.header('X-Content-Type-Options', 'nosniff');
  return c.body(JSON.stringify(error.toProblem()), error.status as ContentfulStatusCode);
}

export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.onError((error, c) => {
    if (error instanceof AppError) return problem(c, error);
    deps.logger.error(`${c.req.method} ${c.req.path} failed`, error);
    return problem(c, new AppError(500, 'internal_error'));
  });

  app.notFound((c) => {
    const known = KNOWN.find(([pattern]) => pattern.test(c.req.path));
    if (known !== undefined) {
      return problem(c, new AppError(405, 'method_not_allowed', { headers: { Allow: known[1] } }));
    }
    return problem(c, new AppError(404, 'not_found'));
  });

  app.use('/api/*', apiSecurityHeaders());
  app.use('/api/*', siteCors(deps));
  app.route('/api/v1', threadRoutes(deps));
  app.route('/api/v1', commentRoutes(deps));
  app.route('/api/v1', moderationRoutes(deps));
  app.route('/api/v1', meRoutes(deps));
  app.route('/api/v1', meDataRoutes(deps));
  // The popup's pages (start, callback) are navigations, not API calls: no CORS for them.
  for (const path of [
    '/auth/providers',
    '/auth/tx',
    '/auth/exchange',
    '/auth/claim',
    '/auth/logout',
  ]) {
    app.use(path, apiSecurityHeaders());
    app.use(path, siteCors(deps));
  }
  app.route('/auth', authRoutes(deps));
  app.route('/', widgetRoutes(deps));
  app.route('/', adminRoutes(deps));

  app.get('/healthz', async (c) => {
    await deps.db.selectFrom('settings').select('key').limit(1).execute();
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'ok' });
  });

  if (deps.config.demo) app.route('/', demoRoutes(deps));
  return app;
}
