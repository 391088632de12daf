/**
 * @module store/events
 * SQL for the events log: append a row (and move its thread's version), read rows after a
 * cursor. Rows are never updated.
 */
import type { Db } from './dialect.js';
import type { EventRow, NewEventRow } from './schema.js';

/** Appends one event in the caller's transaction; returns its id. */
export async function insertEvent(db: Db, row: NewEventRow): Promise<number> {
  const { id } = await db
    .insertInto('events')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.updateTable('threads').set({ version: id }).where('id', '=', row.thread_id).execute();
  return id;
}

export interface EventFilter {
  siteId?: string | undefined;
  threadId?: string | undefined;
}

/** Up to `limit` events with ids above `after`, oldest first. */
export function findEventsAfter(
  db: Db,
  after: number,
  filter: EventFilter,
  limit: number,
): Promise<EventRow[]> {
  let query = db.selectFrom('events').selectAll().where('id', '>', after);
  if (filter.siteId !== undefined) query = query.where('site_id', '=', filter.siteId);
  if (filter.threadId !== undefined) query = query.where('thread_id', '=', filter.threadId);
  return query.orderBy('id').limit(limit).execute();
}

/** The newest event's id, 0 when the log is empty. */
export async function findLastEventId(db: Db): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max<number | string | null>('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}
