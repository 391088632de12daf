/**
 * @module store/comments
 * SQL for comments. Public reads see `published` comments and `deleted` placeholders;
 * which placeholders to keep is the service's business.
 */
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Db } from './dialect.js';
import type { CommentRow, CommentTable, Database, NewCommentRow } from './schema.js';

export const PUBLIC_STATUSES = ['published', 'deleted'] as const;

export type CommentSort = 'oldest' | 'newest' | 'top';

/** Held comments a reader may see besides the public ones: all (staff) or their own. */
export type PendingView = { all: true } | { userId: string } | null;

function visibleTo(
  eb: ExpressionBuilder<Database, 'comments'>,
  pending: PendingView,
): Expression<SqlBool> {
  const shown = eb('comments.status', 'in', PUBLIC_STATUSES);
  if (pending === null) return shown;
  const held = eb('comments.status', '=', 'pending');
  return eb.or([
    shown,
    'all' in pending ? held : eb.and([held, eb('comments.user_id', '=', pending.userId)]),
  ]);
}

/** The sort position of a top-level comment; a page cursor is the last one's position. */
export interface SortPosition {
  pinned: number;
  score: number;
  createdAt: string;
  id: string;
}

type Condition = (eb: ExpressionBuilder<Database, 'comments'>) => Expression<SqlBool>;

/**
 * Where a page continues within one pinned segment, as index ranges read one after the
 * other: after the cursor in the sort's order, or with `at`, from the cursor's own comment
 * on (a permalink's page). Row values, `(created_at, id) > (?, ?)`, so both engines seek
 * the index to the cursor instead of reading the thread from its start; `top` reads the
 * rest of the cursor's score first, then the lower scores.
 */
function rangesAfter(sort: CommentSort, position: SortPosition, at: boolean): Condition[] {
  const time: Condition = (eb) =>
    eb(
      eb.refTuple('comments.created_at', 'comments.id'),
      sort === 'newest' ? (at ? '<=' : '<') : at ? '>=' : '>',
      eb.tuple(position.createdAt, position.id),
    );
  if (sort !== 'top') return [time];
  return [
    (eb) => eb.and([eb('comments.score', '=', position.score), time(eb)]),
    (eb) => eb('comments.score', '<', position.score),
  ];
}

/** Each sort's order inside a pinned segment (pinned comments come first in every order). */
const orders: Record<CommentSort, ['score' | 'created_at' | 'id', 'asc' | 'desc'][]> = {
  oldest: [
    ['created_at', 'asc'],
    ['id', 'asc'],
  ],
  newest: [
    ['created_at', 'desc'],
    ['id', 'desc'],
  ],
  top: [
    ['score', 'desc'],
    ['created_at', 'asc'],
    ['id', 'asc'],
  ],
};

export async function insertComment(db: Db, row: NewCommentRow): Promise<void> {
  await db.insertInto('comments').values(row).execute();
}

export function findCommentById(db: Db, id: string): Promise<CommentRow | undefined> {
  return db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCommentByIdempotencyKey(
  db: Db,
  threadId: string,
  key: string,
): Promise<CommentRow | undefined> {
  return db
    .selectFrom('comments')
    .selectAll()
    .where('thread_id', '=', threadId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/** Which top-level comments a page holds. */
export interface PageQuery {
  sort: CommentSort;
  limit: number;
  /** After this position (a cursor's); from the thread's start when absent. */
  after?: SortPosition | undefined;
  /** Start at `after`'s own comment instead (the page of a permalink). */
  at?: boolean;
  /** Only the pinned comments. */
  pinnedOnly?: boolean;
  pending?: PendingView;
}

/**
 * One page of public top-level comments, `limit` of them, after (or `at`) a position when
 * given: the pinned ones first, then the others, each segment read in index order (no sort).
 */
export async function findTopLevelPage(
  db: Db,
  threadId: string,
  { sort, limit, after, at = false, pinnedOnly = false, pending = null }: PageQuery,
): Promise<CommentRow[]> {
  const rows: CommentRow[] = [];
  for (const pinned of pinnedOnly ? [1] : [1, 0]) {
    // A cursor in the unpinned segment is past every pinned comment.
    if (after !== undefined && after.pinned < pinned) continue;
    const ranges: (Condition | undefined)[] =
      after?.pinned === pinned ? rangesAfter(sort, after, at) : [undefined];
    for (const range of ranges) {
      if (rows.length >= limit) return rows;
      let query = db
        .selectFrom('comments')
        .selectAll()
        .where('thread_id', '=', threadId)
        .where('parent_id', 'is', null)
        .where('pinned', '=', pinned)
        .where((eb) => visibleTo(eb, pending));
      if (range !== undefined) query = query.where(range);
      for (const [column, direction] of orders[sort]) query = query.orderBy(column, direction);
      rows.push(...(await query.limit(limit - rows.length).execute()));
    }
  }
  return rows;
}

/** The rule of `visibleTo`, for rows already read. */
export function isVisibleTo(
  row: Pick<CommentRow, 'status' | 'user_id'>,
  pending: PendingView,
): boolean {
  if ((PUBLIC_STATUSES as readonly string[]).includes(row.status)) return true;
  if (pending === null || row.status !== 'pending') return false;
  return 'all' in pending || row.user_id === pending.userId;
}

/**
 * Every reply under the given top-level comments that the reader may see: by top-level
 * comment, then oldest first. Read in the order of the `comments_root` index and filtered
 * here, not in SQL: a condition on `status` would tempt the planner to walk every
 * published comment of the database instead.
 */
export async function findPublicReplies(
  db: Db,
  rootIds: readonly string[],
  pending: PendingView = null,
): Promise<CommentRow[]> {
  if (rootIds.length === 0) return [];
  const rows = await db
    .selectFrom('comments')
    .selectAll()
    .where('root_id', 'in', rootIds)
    .where('parent_id', 'is not', null)
    .orderBy('root_id')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.filter((row) => isVisibleTo(row, pending));
}

export async function countPublishedInThread(db: Db, threadId: string): Promise<number> {
  const row = await db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .where('thread_id', '=', threadId)
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Direct replies of any status: a comment with any is kept as a placeholder on delete. */
export async function countChildren(db: Db, id: string): Promise<number> {
  const row = await db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .where('parent_id', '=', id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Direct replies the public sees (published, or placeholders). */
export async function countVisibleChildren(db: Db, id: string): Promise<number> {
  const row = await db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .where('parent_id', '=', id)
    .where('status', 'in', PUBLIC_STATUSES)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateCommentRow(
  db: Db,
  id: string,
  patch: Partial<Omit<CommentTable, 'id'>>,
): Promise<void> {
  await db.updateTable('comments').set(patch).where('id', '=', id).execute();
}

export async function deleteCommentRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('comments').where('id', '=', id).execute();
}

/** Has this signed-in user a published comment on the site? */
export async function hasPublishedUserComment(
  db: Db,
  siteId: string,
  userId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('comments')
    .innerJoin('threads', 'threads.id', 'comments.thread_id')
    .select('comments.id')
    .where('threads.site_id', '=', siteId)
    .where('comments.user_id', '=', userId)
    .where('comments.status', '=', 'published')
    .executeTakeFirst();
  return row !== undefined;
}

/** Has this guest (same name and email) a published comment on the site? */
export async function hasPublishedGuestComment(
  db: Db,
  siteId: string,
  name: string,
  email: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('comments')
    .innerJoin('threads', 'threads.id', 'comments.thread_id')
    .select('comments.id')
    .where('threads.site_id', '=', siteId)
    .where('comments.author_name', '=', name)
    .where('comments.author_email', '=', email)
    .where('comments.status', '=', 'published')
    .executeTakeFirst();
  return row !== undefined;
}
