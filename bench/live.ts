/**
 * Live streams under load, measured from this process against the server process: N streams
 * opened over real sockets to one thread (`GET /api/v1/stream`), the server's RSS before
 * them and while they are held; then comments posted one after another, each timed from
 * the moment its POST is sent to its arrival on every stream. The results are rows of the
 * table (latencies: the time to `ready` for held streams, to arrival for posts).
 */
import { request, type ClientRequest } from 'node:http';
import type { ServerProcess } from './confab.js';
import type { RowResult } from './load.js';
import { residentBytes, watch } from './proc.js';
import { commentBody, randomSource } from './random.js';
import { ORIGIN, SITE } from './seed.js';

/** Streams opened at a time: a burst of thousands of connects would only measure the backlog. */
const OPEN_BATCH = 100;
const TIMEOUT_MS = 10_000;

interface OpenStream {
  request: ClientRequest;
  /** The comment ids this stream has received a `comment.created` for, with the time. */
  arrived: Map<string, number>;
  /** Wakes whoever waits for an arrival. */
  onArrival: (() => void) | undefined;
}

interface Streams {
  list: OpenStream[];
  /** ms from the request to the `ready` event, per stream. */
  readyMs: number[];
  failed: Map<number, number>;
  errors: number;
  samples: string[];
  close(): void;
}

const CREATED =
  /event: comment\.created\nid: \d+\ndata: \{"kind":"comment\.created","commentId":"([0-9a-f-]{36})"/g;

/** Opens one stream; resolves once its `ready` arrives (or it fails). */
function openOne(base: string, path: string, into: Streams): Promise<OpenStream | undefined> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(`${base}${path}`, { headers: { Origin: ORIGIN } });
    const stream: OpenStream = { request: req, arrived: new Map(), onArrival: undefined };
    const timer = setTimeout(() => {
      into.errors++;
      req.destroy();
      resolve(undefined);
    }, TIMEOUT_MS);
    req.on('error', () => {
      clearTimeout(timer);
      into.errors++;
      resolve(undefined);
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        clearTimeout(timer);
        into.failed.set(res.statusCode ?? 0, (into.failed.get(res.statusCode ?? 0) ?? 0) + 1);
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          if (into.samples.length < 3) into.samples.push(`${res.statusCode} ${body.slice(0, 300)}`);
          resolve(undefined);
        });
        return;
      }
      res.setEncoding('utf8');
      let ready = false;
      let tail = '';
      res.on('error', () => undefined);
      res.on('data', (chunk: string) => {
        const now = performance.now();
        const text = tail + chunk;
        // Keep the end of a frame cut in two for the next chunk.
        tail = text.slice(-200);
        if (!ready && text.includes('event: ready')) {
          ready = true;
          clearTimeout(timer);
          into.readyMs.push(now - started);
          resolve(stream);
        }
        for (const match of text.matchAll(CREATED)) {
          const id = match[1] ?? '';
          if (!stream.arrived.has(id)) stream.arrived.set(id, now);
        }
        stream.onArrival?.();
      });
    });
    req.end();
  });
}

async function openStreams(base: string, path: string, n: number): Promise<Streams> {
  const streams: Streams = {
    list: [],
    readyMs: [],
    failed: new Map(),
    errors: 0,
    samples: [],
    close: () => {
      for (const s of streams.list) s.request.destroy();
    },
  };
  for (let i = 0; i < n; i += OPEN_BATCH) {
    const batch = Array.from({ length: Math.min(OPEN_BATCH, n - i) }, () =>
      openOne(base, path, streams),
    );
    for (const s of await Promise.all(batch)) if (s !== undefined) streams.list.push(s);
  }
  return streams;
}

function row(
  name: string,
  connections: number,
  seconds: number,
  latencies: number[],
  streams: Streams,
  usage: ReturnType<ReturnType<typeof watch>['stop']>,
  missing = 0,
): RowResult {
  return {
    name,
    connections,
    seconds,
    responses: latencies.length + [...streams.failed.values()].reduce((a, b) => a + b, 0),
    ok: latencies.length,
    failedStatuses: streams.failed,
    netErrors: streams.errors + missing,
    latencies: Float64Array.from(latencies).sort(),
    serverTimes: new Float64Array(),
    samples: streams.samples,
    ...usage,
  };
}

export interface HeldResult {
  row: RowResult;
  /** The server's RSS just before the streams opened, and its peak while they were held. */
  beforeRssBytes: number;
  heldRssBytes: number;
  held: number;
}

export const heldRowName = (n: number): string => `live: ${n} streams held`;
export const deliveryRowName = (posts: number, n: number): string =>
  `live: ${posts} posts to ${n} streams`;

const streamPath = (thread: string): string =>
  `/api/v1/stream?site=${SITE}&thread=${encodeURIComponent(thread)}`;

/** Opens `n` streams to one thread, holds them `seconds`, and closes them. */
export async function holdStreams(
  server: ServerProcess,
  ticks: number,
  { n, seconds, thread }: { n: number; seconds: number; thread: string },
): Promise<HeldResult> {
  const beforeRssBytes = residentBytes(server.pid);
  const sampler = watch(server.pid, ticks);
  const started = performance.now();
  const streams = await openStreams(server.url, streamPath(thread), n);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const usage = sampler.stop();
  const elapsed = (performance.now() - started) / 1000;
  streams.close();
  return {
    row: row(heldRowName(n), n, elapsed, streams.readyMs, streams, usage),
    beforeRssBytes,
    heldRssBytes: usage.peakRssBytes,
    held: streams.list.length,
  };
}

async function postOne(base: string, thread: string, body: string): Promise<string | undefined> {
  const res = await fetch(`${base}/api/v1/comments`, {
    method: 'POST',
    headers: { Origin: ORIGIN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ site: SITE, thread, body, author: { name: 'Bench' } }),
  });
  if (res.status !== 201) return undefined;
  return ((await res.json()) as { comment: { id: string } }).comment.id;
}

/** Waits until every stream has `id`, or the timeout; how many never got it. */
async function arrivals(list: readonly OpenStream[], id: string): Promise<number> {
  const deadline = performance.now() + TIMEOUT_MS;
  const missing = () => list.filter((s) => !s.arrived.has(id)).length;
  while (missing() > 0 && performance.now() < deadline) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 50);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      for (const s of list) s.onArrival = wake;
    });
  }
  return missing();
}

/**
 * Opens `n` streams to one thread, then posts `posts` comments there one by one: each
 * stream's latency per post is from the POST being sent to the event's arrival.
 */
export async function deliverPosts(
  server: ServerProcess,
  ticks: number,
  { n, posts, thread }: { n: number; posts: number; thread: string },
): Promise<RowResult> {
  const streams = await openStreams(server.url, streamPath(thread), n);
  const random = randomSource(17);
  const sampler = watch(server.pid, ticks);
  const started = performance.now();
  const latencies: number[] = [];
  let missing = 0;
  for (let i = 0; i < posts; i++) {
    const sent = performance.now();
    const id = await postOne(server.url, thread, commentBody(random));
    if (id === undefined) {
      missing += streams.list.length;
      continue;
    }
    missing += await arrivals(streams.list, id);
    for (const s of streams.list) {
      const at = s.arrived.get(id);
      if (at !== undefined) latencies.push(at - sent);
    }
  }
  const usage = sampler.stop();
  const elapsed = (performance.now() - started) / 1000;
  streams.close();
  return row(deliveryRowName(posts, n), n, elapsed, latencies, streams, usage, missing);
}
