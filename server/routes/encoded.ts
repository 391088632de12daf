/**
 * @module routes/encoded
 * Answering with a body the server already holds in several codings (the widget's and
 * `/admin`'s bundles, cached thread pages): `304 Not Modified` when the client's ETag still
 * holds, else the coding it takes best (RFC 9110 section 12.5.3: listed, and not `q=0`).
 */
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';

export type Coding = 'br' | 'gzip';

/** The codings the client takes. */
export function acceptedCodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    if (coding !== '' && (q === undefined || Number(q.slice(2)) > 0)) accepted.add(coding);
  }
  return accepted;
}

/** Does the request's `If-None-Match` name `etag` (weakly compared, RFC 9110 13.1.2)? */
export function stillFresh(c: Context<AppEnv>, etag: string): boolean {
  const header = c.req.header('If-None-Match');
  if (header === undefined) return false;
  const opaque = (tag: string): string => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
}

export interface EncodedBody {
  readonly etag: string;
  readonly identity: Buffer;
  readonly encoded: (coding: Coding) => Buffer;
}

/** A built file (a bundle or chunk), precompressed when it was loaded. */
export function builtBody(file: {
  etag: string;
  js: Buffer;
  gzip: Buffer;
  brotli: Buffer;
}): EncodedBody {
  return {
    etag: file.etag,
    identity: file.js,
    encoded: (coding) => (coding === 'br' ? file.brotli : file.gzip),
  };
}

/**
 * Sends `body` (headers such as `Content-Type` and `Cache-Control` already set): a 304, or
 * the body in the best coding the client takes.
 */
export function sendEncoded(c: Context<AppEnv>, body: EncodedBody): Response {
  c.header('ETag', body.etag);
  c.header('Vary', 'Accept-Encoding', { append: true });
  if (stillFresh(c, body.etag)) return c.body(null, 304);
  const accepted = acceptedCodings(c.req.header('Accept-Encoding'));
  for (const coding of ['br', 'gzip'] as const) {
    if (!accepted.has(coding)) continue;
    c.header('Content-Encoding', coding);
    return c.body(new Uint8Array(body.encoded(coding)));
  }
  return c.body(new Uint8Array(body.identity));
}
