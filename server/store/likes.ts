/**
 * @module store/likes
 * SQL for likes of a post (a thread): one row per reader and thread, and the count kept on
 * the thread (`like_count`), moved in the same transaction as the row.
 */
import type { Db } from './dialect.js';
import type { LikeRow, UserRow } from './schema.js';

export function findLike(db: Db, threadId: string, voter: string): Promise<LikeRow | undefined> {
  return db
    .selectFrom('likes')
    .selectAll()
    .where('thread_id', '=', threadId)
    .where('voter', '=', voter)
    .executeTakeFirst();
}

/** A guest's like of the thread from this address hash (any token), if any. */
export function findGuestLikeByClient(
  db: Db,
  threadId: string,
  clientHash: string,
): Promise<LikeRow | undefined> {
  return db
    .selectFrom('likes')
    .selectAll()
    .where('thread_id', '=', threadId)
    .where('client_hash', '=', clientHash)
    .where('user_id', 'is', null)
    .executeTakeFirst();
}

export async function insertLike(db: Db, row: LikeRow): Promise<void> {
  await db.insertInto('likes').values(row).execute();
}

export async function deleteLike(db: Db, threadId: string, voter: string): Promise<void> {
  await db
    .deleteFrom('likes')
    .where('thread_id', '=', threadId)
    .where('voter', '=', voter)
    .execute();
}

/** Moves a thread's like count by `by`; returns it as it is now. */
export async function addToLikeCount(db: Db, threadId: string, by: number): Promise<number> {
  const row = await db
    .updateTable('threads')
    .set((eb) => ({ like_count: eb('like_count', '+', by) }))
    .where('id', '=', threadId)
    .returning('like_count')
    .executeTakeFirstOrThrow();
  return row.like_count;
}

/** The newest signed-in likers of a thread, newest first (index `likes_accounts`). */
export function findRecentLikers(db: Db, threadId: string, limit: number): Promise<UserRow[]> {
  return db
    .selectFrom('likes')
    .innerJoin('users', 'users.id', 'likes.user_id')
    .selectAll('users')
    .where('likes.thread_id', '=', threadId)
    .where('likes.user_id', 'is not', null)
    .orderBy('likes.created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Like counts of the site's threads by key, for the keys that have a thread. */
export async function findLikeCountsByKeys(
  db: Db,
  siteId: string,
  keys: readonly string[],
): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('threads')
    .select(['key', 'like_count'])
    .where('site_id', '=', siteId)
    .where('key', 'in', keys)
    .execute();
  return new Map(rows.map((r) => [r.key, r.like_count]));
}

/** Every like on the site's threads, for the export, in key order. */
export function findLikesOfSite(db: Db, siteId: string): Promise<LikeRow[]> {
  return db
    .selectFrom('likes')
    .innerJoin('threads', 'threads.id', 'likes.thread_id')
    .selectAll('likes')
    .where('threads.site_id', '=', siteId)
    .orderBy('likes.thread_id')
    .orderBy('likes.voter')
    .execute();
}

/** Inserts likes from an import; a like already there is left alone. Returns how many went in. */
export async function insertLikesIfMissing(db: Db, rows: readonly LikeRow[]): Promise<number> {
  let added = 0;
  for (const row of rows) {
    const result = await db
      .insertInto('likes')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return added;
}
