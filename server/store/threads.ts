/**
 * @module store/threads
 * SQL for threads: one per page, keyed by (site, URL path).
 */
import type { Db } from './dialect.js';
import type { NewThreadRow, ThreadRow } from './schema.js';

export function findThreadByKey(
  db: Db,
  siteId: string,
  key: string,
): Promise<ThreadRow | undefined> {
  return db
    .selectFrom('threads')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('key', '=', key)
    .executeTakeFirst();
}

export function findThreadById(db: Db, id: string): Promise<ThreadRow | undefined> {
  return db.selectFrom('threads').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Inserts the thread unless (site, key) exists; either way returns the stored row. */
export async function upsertThread(db: Db, row: NewThreadRow): Promise<ThreadRow> {
  await db
    .insertInto('threads')
    .values(row)
    .onConflict((oc) => oc.columns(['site_id', 'key']).doNothing())
    .execute();
  const stored = await findThreadByKey(db, row.site_id, row.key);
  if (stored === undefined) throw new Error(`thread ${row.key} vanished after insert`);
  return stored;
}

/**
 * Drops a thread left without comments, unless it is locked or liked (the lock or the likes
 * would go with it).
 */
export async function deleteThreadIfEmpty(db: Db, threadId: string): Promise<void> {
  await db
    .deleteFrom('threads')
    .where('id', '=', threadId)
    .where('locked', '=', 0)
    .where('like_count', '=', 0)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('comments').select('id').where('thread_id', '=', threadId))),
    )
    .execute();
}

/** Published comments per thread key, for the keys that have any. */
export async function countPublishedByKeys(
  db: Db,
  siteId: string,
  keys: readonly string[],
): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('threads')
    .innerJoin('comments', 'comments.thread_id', 'threads.id')
    .select(['threads.key', (eb) => eb.fn.countAll<number | string | bigint>().as('n')])
    .where('threads.site_id', '=', siteId)
    .where('threads.key', 'in', keys)
    .where('comments.status', '=', 'published')
    .groupBy('threads.key')
    .execute();
  return new Map(rows.map((r) => [r.key, Number(r.n)]));
}

export async function setThreadLocked(db: Db, threadId: string, locked: boolean): Promise<void> {
  await db
    .updateTable('threads')
    .set({ locked: locked ? 1 : 0 })
    .where('id', '=', threadId)
    .execute();
}
