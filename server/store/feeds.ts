/**
 * @module store/feeds
 * SQL for the Atom feeds: a thread's or a site's newest published comments, each with its
 * thread and its account's name in the same query, and what a site feed is versioned by.
 * Only the columns a feed shows are read: never an email, an address hash or a token hash.
 */
import type { Db } from './dialect.js';

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
 * The newest published comments of a thread or a site, newest first, in one query. The
 * thread's goes down `comments_thread_status_created`; the site's walks the site's threads
 * by `threads_site_key` and each thread's published comments by the same index.
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

/** What a site feed is versioned and dated by. */
export interface SiteFeedStateRow {
  created_at: string;
  updated_at: string;
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
      'sites.updated_at',
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
    : { created_at: row.created_at, updated_at: row.updated_at, version: Number(row.version ?? 0) };
}
