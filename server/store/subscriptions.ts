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
