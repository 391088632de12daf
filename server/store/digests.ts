/**
 * @module store/digests
 * SQL for the owners' daily digest: the site's new comments in a time window, and the
 * site's digest clock.
 */
import type { Db } from './dialect.js';
import { withThreads } from './feeds.js';
import type { CommentRow, ThreadRow } from './schema.js';

/** Comments created in (`from`, `to`] on the site, published or held, oldest first. */
export async function findNewCommentsOfSite(
  db: Db,
  siteId: string,
  from: string,
  to: string,
  limit: number,
): Promise<{ comment: CommentRow; thread: ThreadRow }[]> {
  const rows = await db
    .selectFrom('comments')
    .innerJoin('threads', 'threads.id', 'comments.thread_id')
    .selectAll('comments')
    .where('threads.site_id', '=', siteId)
    .where('comments.created_at', '>', from)
    .where('comments.created_at', '<=', to)
    .where('comments.status', 'in', ['published', 'pending'])
    .orderBy('comments.created_at')
    .orderBy('comments.id')
    .limit(limit)
    .execute();
  return withThreads(db, rows);
}

/** Moves the site's digest clock from `from` to `to`; false when another run moved it. */
export async function moveDigestClock(
  db: Db,
  siteId: string,
  from: string | null,
  to: string,
): Promise<boolean> {
  let query = db.updateTable('sites').set({ last_digest_at: to }).where('id', '=', siteId);
  query =
    from === null
      ? query.where('last_digest_at', 'is', null)
      : query.where('last_digest_at', '=', from);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** When the site's last digest was made (null before the first). */
export async function findDigestClock(db: Db, siteId: string): Promise<string | null> {
  const row = await db
    .selectFrom('sites')
    .select('last_digest_at')
    .where('id', '=', siteId)
    .executeTakeFirst();
  return row?.last_digest_at ?? null;
}
