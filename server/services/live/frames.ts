/**
 * @module services/live/frames
 * Server-Sent Events as bytes (the WHATWG HTML "server-sent events" format). Each event is
 * encoded once and the same bytes are queued on every stream that gets it, so a comment
 * that reaches a thousand readers is serialized once, not a thousand times.
 */
import type { LiveEvent } from '../../contract.js';

/** How long a client waits before reconnecting after the stream ends (the `retry:` hint). */
export const RETRY_MS = 5000;

/** What a stream starts with: the reconnection hint, no event. */
export const OPENING = Buffer.from(`retry: ${RETRY_MS}\n\n`);

/** A comment line: keeps proxies and the client's watchdog from taking silence for a loss. */
export const HEARTBEAT = Buffer.from(':\n\n');

/**
 * One event: `event:` its kind, `id:` the cursor a client resumes from, `data:` one line of
 * JSON (JSON.stringify never writes a raw line break, so it needs no splitting).
 */
export function eventFrame(id: number, data: LiveEvent): Buffer {
  return Buffer.from(`event: ${data.kind}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
}
