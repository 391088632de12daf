/**
 * @module middleware/security-headers
 * API answers are data, never documents: nothing may sniff them into HTML, frame them or
 * run them, and nothing is cached unless its route says how (thread pages: revalidated
 * with their ETag).
 */
import type { MiddlewareHandler } from 'hono';

export function apiSecurityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; sandbox");
    c.header('Referrer-Policy', 'no-referrer');
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  };
}
