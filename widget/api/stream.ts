/**
 * @module api/stream
 * A thread's live stream (`GET /api/v1/stream`), read with `fetch` rather than
 * `EventSource`: a signed-in reader's session goes in the `Authorization` header, as with
 * every other request (an EventSource can set no header, and a token must never be in a
 * URL), and the id to resume from goes in the `lastEventId` parameter, so a guest's stream
 * is a simple request without a CORS preflight. Only the live chunk (`state/live.ts`) uses
 * it. See docs/decisions/0008-live-streams.md.
 */
import type { LiveEvent } from '../../server/contract.js';
import type { ApiClient, Fetch } from './client.js';

/** What the stream says, as it is read. */
export interface StreamHandler {
  /** An event, with the id of the last event so far (its `id:`, or an earlier one's). */
  event(data: LiveEvent, id: string | undefined): void;
  /** The server's reconnection delay (`retry:`), in ms. */
  retry(ms: number): void;
  /** Bytes arrived (an event or a heartbeat): the connection is alive. */
  alive(): void;
}

/** Opens the stream of `thread`, after event `lastId` when given. */
export function openStream(
  api: ApiClient,
  fetchFn: Fetch,
  q: { site: string; thread: string; lastId?: string | undefined },
  signal: AbortSignal,
): Promise<Response> {
  const p = new URLSearchParams({ site: q.site, thread: q.thread });
  if (q.lastId) p.set('lastEventId', q.lastId);
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (api.token) headers.authorization = 'Bearer ' + api.token;
  return fetchFn(`${api.base}api/v1/stream?${p}`, { headers, signal, cache: 'no-store' });
}

/**
 * Reads Server-Sent Events from `body` until it ends (the WHATWG HTML parsing rules:
 * lines end in CR, LF or CRLF; `data:` lines join; comments are heartbeats).
 */
export async function readStream(
  body: ReadableStream<Uint8Array>,
  on: StreamHandler,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let rest = '';
  let data: string[] = [];
  let id: string | undefined;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    on.alive();
    // A CR at the end may be the first half of a CRLF: it waits for the next chunk.
    const lines = (rest + decoder.decode(value, { stream: true })).split(/\r\n|\n|\r(?!$)/);
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') {
        if (data.length > 0) on.event(JSON.parse(data.join('\n')) as LiveEvent, id);
        data = [];
        continue;
      }
      const colon = line.indexOf(':');
      if (colon === 0) continue;
      const field = colon < 0 ? line : line.slice(0, colon);
      const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(text);
      else if (field === 'id' && !text.includes('\0')) id = text;
      else if (field === 'retry' && /^\d+$/.test(text)) on.retry(Number(text));
    }
  }
}
