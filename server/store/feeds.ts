/**
 * @module store/feeds
 * SQL for the Atom feeds: a thread's or a site's newest published comments (with their
 * threads), and the site's newest event id (the site feed's version).
 */
import type { Db } from './dialect.js';
import type { CommentRow, ThreadRow } from './schema.js';

/** The thread's newest published comments, newest first (comments_thread_status_created). */
export function findNewestInThread(db: Db, threadId: string, limit: number): Promise<CommentRow[]> {
  return db
    .selectFrom('comments')
    .selectAll()
    .where('thread_id', '=', threadId)
    .where('status', '=', 'published')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The site's newest published comments across its threads, newest first. */
export async function findNewestInSite(
  db: Db,
  siteId: string,
  limit: number,
): Promise<{ comment: CommentRow; thread: ThreadRow }[]> {
  const rows = await db
    .selectFrom('comments')
    .innerJoin('threads', 'threads.id', 'comments.thread_id')
    .selectAll('comments')
    .where('threads.site_id', '=', siteId)
    .where('comments.status', '=', 'published')
    .orderBy('comments.created_at', 'desc')
    .orderBy('comments.id', 'desc')
    .limit(limit)
    .execute();
  return withThreads(db, rows);
}

/** Each comment with its thread (one query for the few threads of a page). */
export async function withThreads(
  db: Db,
  rows: CommentRow[],
): Promise<{ comment: CommentRow; thread: ThreadRow }[]> {
  const ids = [...new Set(rows.map((r) => r.thread_id))];
  if (ids.length === 0) return [];
  const threads = await db.selectFrom('threads').selectAll().where('id', 'in', ids).execute();
  const byId = new Map(threads.map((t) => [t.id, t]));
  return rows.flatMap((comment) => {
    const thread = byId.get(comment.thread_id);
    return thread === undefined ? [] : [{ comment, thread }];
  });
}

/** The site's newest event id, 0 before any. */
export async function findSiteVersion(db: Db, siteId: string): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max<number | string | null>('id').as('id'))
    .where('site_id', '=', siteId)
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** Parents of replies, by id (for `thr:in-reply-to`). */
export function findCommentsByIds(db: Db, ids: readonly string[]): Promise<CommentRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('comments')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
}
