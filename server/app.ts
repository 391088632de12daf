/**
 * @module app
 * `createApp(deps)`: the whole HTTP surface as a Hono app. Tests drive it with
 * `app.request()`; `confab serve` (`cli/main.ts`) puts it on a port with @hono/node-server.
 */
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Deps } from './deps.js';
import type { AppEnv } from './env.js';
import { AppError } from './errors.js';
import { siteCors } from './middleware/cors.js';
import { allowedMethods } from './middleware/method-not-allowed.js';
import { apiSecurityHeaders } from './middleware/security-headers.js';
import { serverTiming } from './middleware/server-timing.js';
import { adminRoutes } from './routes/admin.js';
import { adminNotifyRoutes } from './routes/admin-notify.js';
import { healthRoutes } from './routes/health.js';
import { isStorageFailure } from './store/dialect.js';
import { authRoutes, meRoutes } from './routes/auth.js';
import { commentRoutes } from './routes/comments.js';
import { moderationRoutes } from './routes/moderation.js';
import { notifyRoutes } from './routes/notify.js';
import { feedRoutes } from './routes/feeds.js';
import { meDataRoutes } from './routes/me-data.js';
import { manageApiRoutes, manageRoutes } from './routes/manage.js';
import { demoRoutes } from './routes/demo.js';
import { reactionRoutes } from './routes/reactions.js';
import { threadRoutes } from './routes/threads.js';
import { streamRoutes } from './routes/stream.js';
import { widgetRoutes } from './routes/widget.js';

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
    if (isStorageFailure(error)) {
      deps.storage.failed(error);
      deps.logger.error(`${c.req.method} ${c.req.path}: the database cannot be written`, error);
      const retryAfter = 30;
      return problem(
        c,
        new AppError(503, 'storage_unavailable', {
          retryAfter,
          headers: { 'Retry-After': String(retryAfter) },
        }),
      );
    }
    deps.logger.error(`${c.req.method} ${c.req.path} failed`, error);
    return problem(c, new AppError(500, 'internal_error'));
  });

  // Read from the routes once they are all registered (the first miss comes after that).
  let methodsOf: ((path: string) => string[]) | undefined;
  app.notFound((c) => {
    methodsOf ??= allowedMethods(app);
    const allowed = methodsOf(c.req.path);
    if (allowed.length > 0) {
      const headers = { Allow: allowed.join(', ') };
      return problem(c, new AppError(405, 'method_not_allowed', { headers }));
    }
    return problem(c, new AppError(404, 'not_found'));
  });

  app.use('/api/*', serverTiming());
  app.use('/api/*', apiSecurityHeaders());
  app.use('/api/*', siteCors(deps));
  app.route('/api/v1', threadRoutes(deps));
  app.route('/api/v1', streamRoutes(deps));
  app.route('/api/v1', commentRoutes(deps));
  app.route('/api/v1', reactionRoutes(deps));
  app.route('/api/v1', moderationRoutes(deps));
  app.route('/api/v1', adminNotifyRoutes(deps));
  app.route('/api/v1', meRoutes(deps));
  app.route('/api/v1', meDataRoutes(deps));
  app.route('/api/v1', manageApiRoutes(deps));
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
  app.route('/', notifyRoutes(deps));
  app.route('/', manageRoutes(deps));
  app.route('/', feedRoutes(deps));

  app.route('/', healthRoutes(deps));

  if (deps.config.demo) app.route('/', demoRoutes(deps));
  return app;
}
