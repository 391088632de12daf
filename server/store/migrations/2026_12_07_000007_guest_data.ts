/**
 * @module store/migrations/2026_12_07_000007_guest_data
 * A reader's data rights reach their subscriptions: an export lists, and an erasure
 * removes, the subscriptions an account made, found by its user id. (A guest's comments
 * are found by `comments_email`, their subscriptions by `subscriptions_site_email`.)
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('subscriptions_user').on('subscriptions').column('user_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('subscriptions_user').execute();
}
