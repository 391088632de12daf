/**
 * @module store/subscriptions
 * SQL for readers' subscriptions to a thread: one row per thread and address.
 */
import type { Db } from './dialect.js';
import type { NewSubscriptionRow, SubscriptionRow } from './schema.js';

export function findSubscriptionById(db: Db, id: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findSubscription(
  db: Db,
  threadId: string,
  email: string,
): Promise<SubscriptionRow | undefined> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('thread_id', '=', threadId)
    .where('email', '=', email)
    .executeTakeFirst();
}

export async function insertSubscription(db: Db, row: NewSubscriptionRow): Promise<void> {
  await db.insertInto('subscriptions').values(row).execute();
}

export async function updateSubscription(
  db: Db,
  id: string,
  patch: Partial<Omit<SubscriptionRow, 'id'>>,
): Promise<void> {
  await db.updateTable('subscriptions').set(patch).where('id', '=', id).execute();
}

/** A thread's confirmed subscriptions. */
export function findActiveSubscriptions(db: Db, threadId: string): Promise<SubscriptionRow[]> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('thread_id', '=', threadId)
    .where('status', '=', 'active')
    .execute();
}

/** A subscription with the thread it is about (what a reader's export lists). */
export interface SubscriptionWithThreadRow extends SubscriptionRow {
  thread_key: string;
  thread_title: string | null;
  thread_url: string | null;
}

function withThread(db: Db) {
  return db
    .selectFrom('subscriptions')
    .innerJoin('threads', 'threads.id', 'subscriptions.thread_id')
    .selectAll('subscriptions')
    .select([
      'threads.key as thread_key',
      'threads.title as thread_title',
      'threads.url as thread_url',
    ]);
}

/** The subscriptions an account made, on `siteId` (every site when undefined). */
export function findSubscriptionsByUser(
  db: Db,
  userId: string,
  siteId: string | undefined,
): Promise<SubscriptionWithThreadRow[]> {
  let query = withThread(db).where('subscriptions.user_id', '=', userId);
  if (siteId !== undefined) query = query.where('subscriptions.site_id', '=', siteId);
  return query.orderBy('subscriptions.created_at').orderBy('subscriptions.id').execute();
}

/**
 * The subscriptions of lower-cased `emails` on `siteId` (every site when undefined),
 * whoever made them.
 */
export function findSubscriptionsByEmails(
  db: Db,
  emails: readonly string[],
  siteId: string | undefined,
): Promise<SubscriptionWithThreadRow[]> {
  if (emails.length === 0) return Promise.resolve([]);
  let query = withThread(db).where('subscriptions.email', 'in', [...emails]);
  if (siteId !== undefined) query = query.where('subscriptions.site_id', '=', siteId);
  return query.orderBy('subscriptions.created_at').orderBy('subscriptions.id').execute();
}

/** Deletes the subscriptions; returns how many went. */
export async function deleteSubscriptions(db: Db, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .deleteFrom('subscriptions')
    .where('id', 'in', [...ids])
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
