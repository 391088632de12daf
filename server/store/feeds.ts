/**
 * @module store/feeds
 * SQL for the Atom feeds: a thread's or a site's newest published comments, each with its
 * thread and its account's name in the same query, and what a site feed is versioned by.
 * Only the columns a feed shows are read: never an email, an address hash or a token hash.
 * Also `withThreads`, which the owners' digest (store/digests.ts) pairs its comments with.
 */
import type { Db } from './dialect.js';
import type { CommentRow, ThreadRow } from './schema.js';

/** One published comment as a feed shows it. */
export interface FeedCommentRow {
  id: string;
  parent_id: string | null;
  created_at: string;
  edited_at: string | null;
  body_html: string;
  author_name: string | null;
  /** The account's name, for a signed-in author (null for a guest or an erased account). */
  user_name: string | null;
  thread_key: string;
  thread_title: string | null;
  thread_url: string | null;
}

/** Where a feed's comments come from: one thread, or every thread of a site. */
export type FeedScope = { threadId: string } | { siteId: string };

/**
 * The newest published comments of a thread or a site, newest first, in one query
 * (test/server/feeds.test.ts checks the plans). The thread's reads the thread's published
 * comments from `comments_thread_status_created`. The site's walks `comments_status_created`
 * from the newest published comment back, keeping those whose thread (by primary key) is the
 * site's, until it has `limit`: about `limit` rows on a server with one site; on a server
 * shared by several, also the other sites' comments newer than the `limit`-th of this one.
 * Comments carry no site id, so no index can do better without one.
 */
export function findFeedComments(
  db: Db,
  scope: FeedScope,
  limit: number,
): Promise<FeedCommentRow[]> {
  let query = db
    .selectFrom('comments')
    .innerJoin('threads', 'threads.id', 'comments.thread_id')
    .leftJoin('users', 'users.id', 'comments.user_id')
    .select([
      'comments.id',
      'comments.parent_id',
      'comments.created_at',
      'comments.edited_at',
      'comments.body_html',
      'comments.author_name',
      'users.name as user_name',
      'threads.key as thread_key',
      'threads.title as thread_title',
      'threads.url as thread_url',
    ])
    .where('comments.status', '=', 'published');
  query =
    'threadId' in scope
      ? query.where('comments.thread_id', '=', scope.threadId)
      : query.where('threads.site_id', '=', scope.siteId);
  return query
    .orderBy('comments.created_at', 'desc')
    .orderBy('comments.id', 'desc')
    .limit(limit)
    .execute();
}

/** What a site feed is versioned by, and dated by while it is empty. */
export interface SiteFeedStateRow {
  created_at: string;
  /** The site's newest event id (`events_site`), 0 before any. */
  version: number;
}

export async function findSiteFeedState(
  db: Db,
  siteId: string,
): Promise<SiteFeedStateRow | undefined> {
  const row = await db
    .selectFrom('sites')
    .select((eb) => [
      'sites.created_at',
      eb
        .selectFrom('events')
        .select((e) => e.fn.max<number | string | null>('events.id').as('id'))
        .where('events.site_id', '=', siteId)
        .as('version'),
    ])
    .where('sites.id', '=', siteId)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : { created_at: row.created_at, version: Number(row.version ?? 0) };
}

/** Each comment with its thread, the threads read once, by id; a comment without one is left out. */
export async function withThreads(
  db: Db,
  rows: readonly CommentRow[],
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
