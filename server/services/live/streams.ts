/**
 * @module services/live/streams
 * The live streams of this process (`deps.live`, one per server, built in bootstrap): who is
 * listening to which thread, one shared reader of the events log for all of them, one
 * shared heartbeat, and the caps.
 *
 * Fan-out: the events hub wakes this after each commit; it reads the log once after its own
 * cursor, for every stream at once, prepares each event's bytes once (`payloads.ts`) and
 * queues them on the streams of that event's thread. A stream resuming from an id
 * (`Last-Event-ID`) first replays its thread's events from the log, then joins the fan-out;
 * every stream remembers the last id it was given and never gets an id twice, so the
 * hand-over neither skips nor repeats an event. A gap too large to replay is a `reset`.
 *
 * Per stream there is an object and the bytes queued for its socket, nothing else: no timer
 * (the heartbeat is one interval for all), no buffer of its own. A stream whose client does
 * not read (over 256 KiB queued) is ended; the client resumes from the log. The heartbeat
 * also reads the log, so what another process wrote (the CLI) arrives within one beat, and
 * re-reads signed-in readers' sessions: a stream whose reader may now see less (or more)
 * ends, and its client reconnects with what it may see.
 */
import type { Config } from '../../config.js';
import type { Db } from '../../store/dialect.js';
import type { EventHub } from '../events/hub.js';
import { AppError } from '../../errors.js';
import type { PendingView } from '../../store/comments.js';
import { findLastEventId } from '../../store/events.js';
import { findThreadById } from '../../store/threads.js';
import { readEvents, type LoggedEvent } from '../events/log.js';
import { HEARTBEAT, OPENING, eventFrame } from './frames.js';
import { framesFor, type FrameFor } from './payloads.js';

/** Bytes queued on a stream whose client has stopped reading, before it is ended. */
const MAX_QUEUED = 256 * 1024;
/** Events read from the log at a time by the fan-out. */
const READ_PAGE = 500;
/** Thread ids remembered (with their keys, or as of no interest) before forgetting some. */
const MAX_KNOWN_THREADS = 10_000;
const RETRY_AFTER = 30;

/**
 * What the streams use of the server's `Deps` (deps.ts holds the streams, so they name only
 * these parts of it).
 */
export interface LiveDeps {
  readonly db: Db;
  readonly events: EventHub;
  readonly logger: { error(message: string, error?: unknown): void };
}

/** A place for one stream, taken before the stream is opened and given back when it ends. */
export interface Slot {
  release(): void;
}

export interface StreamRequest {
  siteId: string;
  threadKey: string;
  /** The thread's id, or undefined while it has no comment (it gets one with the first). */
  threadId: string | undefined;
  /** Held comments this reader may see: staff all, a signed-in author their own. */
  pending: PendingView;
  /** Resume after this event id (the last the client got); undefined: from now on. */
  lastId: number | undefined;
  /** Signed in: what the reader may see now, read again at each heartbeat. */
  recheck?: (() => Promise<PendingView>) | undefined;
}

export interface LiveStreams {
  /** Takes a place for a stream of `client` (its address's keyed hash), or throws 429. */
  reserve(client: string): Slot;
  /** Opens a stream in `slot`: the bytes to answer with. The slot is the stream's now. */
  open(deps: LiveDeps, slot: Slot, request: StreamRequest): Promise<ReadableStream<Uint8Array>>;
  /** How many streams are open. */
  readonly size: number;
  /** Ends every stream and stops listening: the server is stopping. */
  close(): void;
}

export interface LiveOptions extends Pick<Config['live'], 'perClient' | 'max' | 'heartbeatMs'> {
  /** At most this many of a thread's events are replayed on resume; more is a `reset`. */
  replayLimit?: number;
}

interface Stream {
  readonly key: string;
  readonly siteId: string;
  threadId: string | undefined;
  pending: PendingView;
  readonly recheck: (() => Promise<PendingView>) | undefined;
  /** The id of the last event this stream was given (or skipped, as not for its reader). */
  sent: number;
  /** Fed by the fan-out (false while it replays the log). */
  live: boolean;
  ended: boolean;
  readonly out: ReadableStreamDefaultController<Uint8Array>;
  readonly slot: Slot;
}

/** Counts queued bytes, none wanted ahead: one strategy serves every stream. */
const queuing = new ByteLengthQueuingStrategy({ highWaterMark: 0 });

/** Whether `s` has ended (a function: TypeScript would take the field for unchanged). */
const ended = (s: Stream): boolean => s.ended;

const samePending = (a: PendingView, b: PendingView): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

export function createLiveStreams(options: LiveOptions): LiveStreams {
  const replayLimit = options.replayLimit ?? 500;
  const byKey = new Map<string, Set<Stream>>();
  /** Thread id -> its streams' key, or null: no stream of this process wants it. */
  const threadKeys = new Map<string, string | null>();
  const perSite = new Map<string, number>();
  const perClient = new Map<string, number>();
  let reserved = 0;
  let open = 0;
  /** The last event id the fan-out has handed to the streams. */
  let cursor = 0;
  let deps: LiveDeps | undefined;
  let starting: Promise<void> | undefined;
  let unsubscribe: (() => void) | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let following: Promise<void> | undefined;
  let again = false;
  let rechecking = false;
  let closed = false;

  const count = (map: Map<string, number>, key: string, by: number): void => {
    const n = (map.get(key) ?? 0) + by;
    if (n > 0) map.set(key, n);
    else map.delete(key);
  };

  const every = (): Stream[] => [...byKey.values()].flatMap((set) => [...set]);

  function write(s: Stream, bytes: Uint8Array): void {
    if (s.ended) return;
    if ((s.out.desiredSize ?? 0) < -MAX_QUEUED) {
      end(s, 'error');
      return;
    }
    s.out.enqueue(bytes);
  }

  /** Gives `s` the event's bytes for its reader, unless it had this id already. */
  function deliver(s: Stream, e: LoggedEvent, frame: FrameFor | undefined): void {
    if (e.id <= s.sent) return;
    s.sent = e.id;
    const bytes = frame?.(s.pending) ?? null;
    if (bytes !== null) write(s, bytes);
  }

  function goLive(s: Stream, kind: 'ready' | 'reset'): void {
    // A reset starts the stream afresh, from where the fan-out is (the client reloads).
    if (kind === 'reset') s.sent = cursor;
    s.live = true;
    write(s, eventFrame(s.sent, { kind, commentId: null }));
  }

  function register(s: Stream): void {
    const set = byKey.get(s.key) ?? new Set();
    set.add(s);
    byKey.set(s.key, set);
    if (s.threadId !== undefined) threadKeys.set(s.threadId, s.key);
    count(perSite, s.siteId, 1);
    open++;
    if (open === 1 && deps !== undefined) {
      const d = deps;
      timer = setInterval(() => {
        beat(d);
      }, options.heartbeatMs);
      timer.unref();
    }
  }

  function end(s: Stream, how: 'close' | 'error' | 'gone'): void {
    if (s.ended) return;
    s.ended = true;
    const set = byKey.get(s.key);
    set?.delete(s);
    if (set?.size === 0) byKey.delete(s.key);
    count(perSite, s.siteId, -1);
    open--;
    if (open === 0) clearInterval(timer);
    s.slot.release();
    try {
      if (how === 'error') s.out.error(new Error('the client stopped reading'));
      if (how === 'close') s.out.close();
    } catch {
      // Already closed by the client going away.
    }
  }

  /** The key of the streams that want this event's thread, if any (read once per thread). */
  async function keyOf(d: LiveDeps, e: LoggedEvent): Promise<string | undefined> {
    let key = threadKeys.get(e.threadId);
    if (key === undefined) {
      // A thread this process has not met: a new one (its first comment), or one made again.
      if (!perSite.has(e.siteId)) return undefined;
      const thread = await findThreadById(d.db, e.threadId);
      key = thread === undefined ? null : `${thread.site_id}\n${thread.key}`;
      if (threadKeys.size >= MAX_KNOWN_THREADS) {
        for (const [id, k] of threadKeys) if (k === null || !byKey.has(k)) threadKeys.delete(id);
      }
      threadKeys.set(e.threadId, key);
    }
    const streams = key === null ? undefined : byKey.get(key);
    if (streams === undefined || key === null) return undefined;
    for (const s of streams) s.threadId = e.threadId;
    return key;
  }

  /** Reads the log after the cursor and hands each event to its thread's live streams. */
  async function follow(d: LiveDeps): Promise<void> {
    for (;;) {
      const events = await readEvents(d.db, cursor, {}, READ_PAGE);
      if (events.length === 0) return;
      const wanted: [LoggedEvent, string][] = [];
      for (const e of events) {
        const key = await keyOf(d, e);
        if (key !== undefined) wanted.push([e, key]);
      }
      const frames = await framesFor(
        d.db,
        wanted.map(([e]) => e),
      );
      // From here to the cursor's move, nothing waits: no stream can go live in between.
      for (const [e, key] of wanted) {
        for (const s of byKey.get(key) ?? []) if (s.live) deliver(s, e, frames.get(e.id));
      }
      cursor = Math.max(cursor, events.at(-1)?.id ?? 0);
      if (events.length < READ_PAGE) return;
    }
  }

  function wake(): void {
    const d = deps;
    if (d === undefined || closed) return;
    if (open === 0) {
      // Nobody listens: nothing to read, but a stream opened later starts after this.
      cursor = Math.max(cursor, d.events.lastId);
      return;
    }
    if (following !== undefined) {
      again = true;
      return;
    }
    following = follow(d)
      .catch((error: unknown) => {
        d.logger.error('live streams could not read the events log', error);
      })
      .finally(() => {
        following = undefined;
        if (again) {
          again = false;
          wake();
        }
      });
  }

  /** Replays the thread's events after `s.sent`, then hands `s` to the fan-out. */
  async function catchUp(d: LiveDeps, s: Stream): Promise<void> {
    for (;;) {
      if (s.ended) return;
      const target = cursor;
      if (s.sent >= target || s.threadId === undefined) {
        s.sent = Math.max(s.sent, target);
        goLive(s, 'ready');
        return;
      }
      const events = await readEvents(d.db, s.sent, { threadId: s.threadId }, replayLimit + 1);
      if (events.length > replayLimit) {
        goLive(s, 'reset');
        return;
      }
      const frames = await framesFor(d.db, events);
      // The client may have gone while the log was read.
      if (ended(s)) return;
      for (const e of events) deliver(s, e, frames.get(e.id));
      // Every event of the thread up to `target` was committed before this read began.
      s.sent = Math.max(s.sent, target);
    }
  }

  async function recheckSessions(): Promise<void> {
    if (rechecking) return;
    rechecking = true;
    try {
      for (const s of every()) {
        if (s.recheck === undefined || s.ended) continue;
        const now = await s.recheck();
        if (!samePending(now, s.pending)) end(s, 'close');
      }
    } finally {
      rechecking = false;
    }
  }

  function beat(d: LiveDeps): void {
    for (const s of every()) write(s, HEARTBEAT);
    wake();
    recheckSessions().catch((error: unknown) => {
      d.logger.error('live streams could not read a session', error);
    });
  }

  /** The first stream: the cursor from the log, and the hub's wake-ups from now on. */
  function start(d: LiveDeps): Promise<void> {
    starting ??= (async () => {
      cursor = Math.max(cursor, d.events.lastId, await findLastEventId(d.db));
      deps = d;
      unsubscribe = d.events.subscribe(wake);
    })().catch((error: unknown) => {
      starting = undefined;
      throw error;
    });
    return starting;
  }

  return {
    reserve(client) {
      const full =
        (perClient.get(client) ?? 0) >= options.perClient
          ? `At most ${options.perClient} live streams per client.`
          : reserved >= options.max || closed
            ? 'The server holds as many live streams as it may.'
            : undefined;
      if (full !== undefined) {
        throw new AppError(429, 'too_many_streams', {
          detail: full,
          retryAfter: RETRY_AFTER,
          headers: { 'Retry-After': String(RETRY_AFTER) },
        });
      }
      count(perClient, client, 1);
      reserved++;
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          count(perClient, client, -1);
          reserved--;
        },
      };
    },

    async open(d, slot, request) {
      await start(d);
      // Events another process wrote while nobody listened, or an id this log never had.
      if (open === 0 || (request.lastId ?? 0) > cursor) {
        cursor = Math.max(cursor, await findLastEventId(d.db));
      }
      let out: ReadableStreamDefaultController<Uint8Array> | undefined;
      const body = new ReadableStream<Uint8Array>(
        {
          start(controller) {
            out = controller;
          },
          cancel() {
            end(stream, 'gone');
          },
        },
        queuing,
      );
      if (out === undefined) throw new Error('the stream did not start');
      const lastId = request.lastId;
      const stream: Stream = {
        key: `${request.siteId}\n${request.threadKey}`,
        siteId: request.siteId,
        threadId: request.threadId,
        pending: request.pending,
        recheck: request.recheck,
        sent: lastId ?? cursor,
        live: false,
        ended: false,
        out,
        slot,
      };
      register(stream);
      write(stream, OPENING);
      if (closed) end(stream, 'close');
      else if (lastId === undefined || lastId === cursor) goLive(stream, 'ready');
      else if (lastId > cursor) goLive(stream, 'reset');
      else {
        catchUp(d, stream).catch((error: unknown) => {
          d.logger.error('a live stream could not replay the events log', error);
          end(stream, 'close');
        });
      }
      return body;
    },

    get size() {
      return open;
    },

    close() {
      closed = true;
      unsubscribe?.();
      clearInterval(timer);
      for (const s of every()) end(s, 'close');
    },
  };
}
