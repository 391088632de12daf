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

type SortColumn = 'pinned' | 'score' | 'created_at' | 'id';
type Direction = 'asc' | 'desc';

// Pinned comments come first in every order.
const orders: Record<CommentSort, [SortColumn, Direction][]> = {
  oldest: [
    ['pinned', 'desc'],
    ['created_at', 'asc'],
    ['id', 'asc'],
  ],
  newest: [
    ['pinned', 'desc'],
    ['created_at', 'desc'],
    ['id', 'desc'],
  ],
  top: [
    ['pinned', 'desc'],
    ['score', 'desc'],
    ['created_at', 'asc'],
    ['id', 'asc'],
  ],
};

function positionValue(position: SortPosition, column: SortColumn): string | number {
  switch (column) {
    case 'pinned':
      return position.pinned;
    case 'score':
      return position.score;
    case 'created_at':
      return position.createdAt;
    case 'id':
      return position.id;
  }
}

/** `(a, b, c) > (x, y, z)` for mixed directions, spelled out so both SQL engines take it. */
function after(
  eb: ExpressionBuilder<Database, 'comments'>,
  sort: CommentSort,
  position: SortPosition,
): Expression<SqlBool> {
  const columns = orders[sort];
  const branches = columns.map(([column, direction], i) => {
    const equal = columns
      .slice(0, i)
      .map(([c]) => eb(`comments.${c}`, '=', positionValue(position, c)));
    const beyond = eb(
      `comments.${column}`,
      direction === 'asc' ? '>' : '<',
      positionValue(position, column),
    );
    return eb.and([...equal, beyond]);
  });
  return eb.or(branches);
}

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

/** One page of public top-level comments, `limit` of them, after `cursor` when given. */
export function findTopLevelPage(
  db: Db,
  threadId: string,
  sort: CommentSort,
  limit: number,
  cursor: SortPosition | undefined,
  pending: PendingView = null,
): Promise<CommentRow[]> {
  let query = db
    .selectFrom('comments')
    .selectAll()
    .where('thread_id', '=', threadId)
    .where('parent_id', 'is', null)
    .where((eb) => visibleTo(eb, pending));
  if (cursor !== undefined) query = query.where((eb) => after(eb, sort, cursor));
  for (const [column, direction] of orders[sort]) query = query.orderBy(column, direction);
  return query.limit(limit).execute();
}

/** Every public reply under the given top-level comments, oldest first. */
export function findPublicReplies(
  db: Db,
  rootIds: readonly string[],
  pending: PendingView = null,
): Promise<CommentRow[]> {
  if (rootIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('comments')
    .selectAll()
    .where('root_id', 'in', rootIds)
    .where('parent_id', 'is not', null)
    .where((eb) => visibleTo(eb, pending))
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
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
