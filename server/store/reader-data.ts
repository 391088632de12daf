/**
 * @module store/reader-data
 * SQL for a reader's own data: what an export reads and what an erasure removes. A site id
 * of `undefined` means every site (the owner's `confab user export|erase` without --site).
 */
import type { Db } from './dialect.js';
import type { CommentRow, SessionRow } from './schema.js';

/** A comment with the thread it belongs to. */
export interface ReaderCommentRow extends CommentRow {
  site_id: string;
  thread_key: string;
  thread_title: string | null;
  thread_url: string | null;
}

/** The user's comments (every status), deepest first, then oldest first. */
export function findCommentsByUser(
  db: Db,
  userId: string,
  siteId: string | undefined,
): Promise<ReaderCommentRow[]> {
  let query = db
    .selectFrom('comments')
    .innerJoin('threads', 'threads.id', 'comments.thread_id')
    .selectAll('comments')
    .select([
      'threads.site_id as site_id',
      'threads.key as thread_key',
      'threads.title as thread_title',
      'threads.url as thread_url',
    ])
    .where('comments.user_id', '=', userId);
  if (siteId !== undefined) query = query.where('threads.site_id', '=', siteId);
  return query
    .orderBy('comments.depth', 'desc')
    .orderBy('comments.created_at', 'asc')
    .orderBy('comments.id', 'asc')
    .execute();
}

/** How many of the user's comments are on sites other than `siteId`. */
export async function countCommentsByUserElsewhere(
  db: Db,
  userId: string,
  siteId: string,
): Promise<number> {
  const row = await db
    .selectFrom('comments')
    .innerJoin('threads', 'threads.id', 'comments.thread_id')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .where('comments.user_id', '=', userId)
    .where('threads.site_id', '!=', siteId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function findSessionsByUser(
  db: Db,
  userId: string,
  siteId: string | undefined,
): Promise<SessionRow[]> {
  let query = db.selectFrom('sessions').selectAll().where('user_id', '=', userId);
  if (siteId !== undefined) query = query.where('site_id', '=', siteId);
  return query.orderBy('created_at', 'asc').execute();
}

/** Revokes every live session of the user, on every site; returns how many. */
export async function revokeSessionsByUser(db: Db, userId: string, at: string): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface AccountRoleRow {
  site_id: string;
  role: string;
}

export function findRolesByAccount(
  db: Db,
  provider: string,
  subject: string,
  siteId: string | undefined,
): Promise<AccountRoleRow[]> {
  let query = db
    .selectFrom('site_roles')
    .select(['site_id', 'role'])
    .where('provider', '=', provider)
    .where('subject', '=', subject);
  if (siteId !== undefined) query = query.where('site_id', '=', siteId);
  return query.orderBy('site_id').execute();
}

export async function deleteRolesByAccount(
  db: Db,
  provider: string,
  subject: string,
  siteId: string | undefined,
): Promise<number> {
  let query = db
    .deleteFrom('site_roles')
    .where('provider', '=', provider)
    .where('subject', '=', subject);
  if (siteId !== undefined) query = query.where('site_id', '=', siteId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Does a ban on the account (by user id) still hold on some site? */
export async function hasActiveUserBan(db: Db, userId: string, now: string): Promise<boolean> {
  const row = await db
    .selectFrom('bans')
    .select('id')
    .where('kind', '=', 'user')
    .where('value', '=', userId)
    .where('lifted_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  return row !== undefined;
}

/** Deletes the user; their sessions go with them (foreign key, on delete cascade). */
export async function deleteUserRow(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('auth_transactions').where('user_id', '=', userId).execute();
  await db.deleteFrom('users').where('id', '=', userId).execute();
}

/**
 * Keeps only the provider's account id (what a ban recognises); drops name, links and the
 * verified address.
 */
export async function blankUserRow(db: Db, userId: string, at: string): Promise<void> {
  await db.deleteFrom('auth_transactions').where('user_id', '=', userId).execute();
  await db
    .updateTable('users')
    .set({
      name: '',
      name_key: '',
      avatar_url: null,
      profile_url: null,
      email: null,
      email_verified_at: null,
      updated_at: at,
    })
    .where('id', '=', userId)
    .execute();
}
