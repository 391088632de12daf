/**
 * @module middleware/json-body
 * Request bodies: JSON only, size-limited while being read (not trusted from
 * Content-Length), valid UTF-8, parsed once and checked against a schema. A `text/plain` or form post
 * — what a cross-site `<form>` can send without a preflight — is refused before parsing.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { AppError, invalid } from '../errors.js';

export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError(413, 'payload_too_large', {
        detail: `Request bodies are at most ${maxBytes} bytes.`,
      });
    },
  });
}

export function requireJson(): MiddlewareHandler {
  return async (c, next) => {
    const type = c.req.header('Content-Type') ?? '';
    const mediaType = type.split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      throw new AppError(415, 'unsupported_media_type', {
        detail: `Send Content-Type: application/json (got ${type === '' ? 'none' : type}).`,
      });
    }
    await next();
  };
}

/** The body, parsed and checked; unknown members are dropped. */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let text: string;
  try {
    // Fatal: a byte sequence that is not UTF-8 is refused, never stored as U+FFFD.
    text = new TextDecoder('utf-8', { fatal: true }).decode(await c.req.arrayBuffer());
  } catch (error) {
    if (error instanceof TypeError) throw new AppError(400, 'invalid_encoding');
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError(400, 'malformed_json');
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw invalid(
      result.error.issues.map((issue) => ({
        field: issue.path.join('.') || '(body)',
        code: valueAt(value, issue.path) === undefined ? 'required' : 'invalid',
        message: issue.message,
      })),
    );
  }
  return result.data;
}

/** The member at `path` in parsed JSON, or undefined when it is missing. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
