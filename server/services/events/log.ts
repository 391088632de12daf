/**
 * @module services/events/log
 * Writing the events log: `withEvents` runs a change in one transaction and hands it an
 * `EventWriter`, so the change and its events commit together or not at all; after the
 * commit, it wakes the process's consumers. Reading: `readEvents` pages the log after a
 * cursor. Events carry ids, kinds and public facts, never a body, an email or an address.
 */
import type { EventKind } from '../../contract.js';
import type { Db } from '../../store/dialect.js';
import { findEventsAfter, insertEvent, type EventFilter } from '../../store/events.js';
import type { EventHub } from './hub.js';

/** Facts an event may carry: statuses, counts. Never text a person wrote, never a person. */
export type EventDetail = Readonly<Record<string, string | number>>;

export interface NewEvent {
  siteId: string;
  threadId: string;
  kind: EventKind;
  commentId?: string | null | undefined;
  detail?: EventDetail | undefined;
}

export interface LoggedEvent {
  id: number;
  siteId: string;
  threadId: string;
  kind: EventKind;
  commentId: string | null;
  detail: EventDetail | null;
  createdAt: string;
}

/** Appends events to the transaction it was made for. */
export interface EventWriter {
  append(event: NewEvent): Promise<number>;
}

/** What writing with events needs: the database, the clock, the hub. */
export interface EventDeps {
  readonly db: Db;
  readonly now: () => Date;
  readonly events: EventHub;
}

/** An event writer bound to `trx`; `last()` is the highest id it wrote (0 for none). */
export function eventWriter(trx: Db, now: () => Date): EventWriter & { last(): number } {
  let last = 0;
  return {
    async append(event) {
      const id = await insertEvent(trx, {
        site_id: event.siteId,
        thread_id: event.threadId,
        kind: event.kind,
        comment_id: event.commentId ?? null,
        detail: event.detail === undefined ? null : JSON.stringify(event.detail),
        created_at: now().toISOString(),
      });
      last = Math.max(last, id);
      return id;
    },
    last: () => last,
  };
}

/**
 * Runs `work` in one transaction with an event writer; after the commit, wakes the
 * consumers. If `work` throws, neither its changes nor its events are kept.
 */
export async function withEvents<T>(
  deps: EventDeps,
  work: (trx: Db, events: EventWriter) => Promise<T>,
): Promise<T> {
  let last = 0;
  const result = await deps.db.transaction().execute(async (trx) => {
    const writer = eventWriter(trx, deps.now);
    const value = await work(trx, writer);
    last = writer.last();
    return value;
  });
  if (last > 0) deps.events.published(last);
  return result;
}

function parseDetail(json: string | null): EventDetail | null {
  if (json === null) return null;
  const value: unknown = JSON.parse(json);
  return typeof value === 'object' && value !== null ? (value as EventDetail) : null;
}

/** Up to `limit` events after the cursor `after`, oldest first. */
export async function readEvents(
  db: Db,
  after: number,
  filter: EventFilter = {},
  limit = 500,
): Promise<LoggedEvent[]> {
  const rows = await findEventsAfter(db, after, filter, limit);
  return rows.map((row) => ({
    id: row.id,
    siteId: row.site_id,
    threadId: row.thread_id,
    kind: row.kind as EventKind,
    commentId: row.comment_id,
    detail: parseDetail(row.detail),
    createdAt: row.created_at,
  }));
}
