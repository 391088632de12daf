/**
 * @module store/migrations/2026_12_07_000001_notifications
 * Notifications: readers' subscriptions to a thread (confirmed by mail before any other
 * mail goes out), the outbox (every mail and webhook call is a row until it is sent or
 * given up, with its attempts and last error), the cursors of the events log's consumers,
 * and each site's owner alerts (where they go, and one per comment or a daily digest).
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('thread_id', 'text', (c) => c.notNull().references('threads.id').onDelete('cascade'))
    /** Lower-cased. */
    .addColumn('email', 'text', (c) => c.notNull())
    /** The account that asked, when signed in (replies to its comments count as its own). */
    .addColumn('user_id', 'text')
    /** `all` (every new comment on the thread) or `replies` (replies to this reader). */
    .addColumn('scope', 'text', (c) => c.notNull())
    /** `pending` (confirmation mailed), `active`, `unsubscribed`. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('unsubscribed_at', 'text')
    .addUniqueConstraint('subscriptions_thread_email', ['thread_id', 'email'])
    .execute();
  await db.schema
    .createIndex('subscriptions_site_email')
    .on('subscriptions')
    .columns(['site_id', 'email'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** One row per event and recipient: a consumer that runs twice adds nothing. */
    .addColumn('key', 'text', (c) => c.notNull().unique())
    /** `email` or `webhook`. */
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text')
    /** The comment it is about: nothing is sent once that comment is no longer public. */
    .addColumn('comment_id', 'text')
    .addColumn('recipient', 'text', (c) => c.notNull())
    /** JSON: the message as it will be sent (mail: subject, text, html, headers). */
    .addColumn('payload', 'text', (c) => c.notNull())
    /** `queued`, `sending`, `sent`, `failed` (will retry), `gave_up`, `kept`, `cancelled`. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema
    .createIndex('outbox_due')
    .on('outbox')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('outbox_recipient')
    .on('outbox')
    .columns(['recipient', 'kind', 'created_at'])
    .execute();
  await db.schema
    .createIndex('outbox_site')
    .on('outbox')
    .columns(['site_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('last_id', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .alterTable('sites')
    .addColumn('alert_emails', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .alterTable('sites')
    .addColumn('alert_mode', 'text', (c) => c.notNull().defaultTo('each'))
    .execute();
  await db.schema.alterTable('sites').addColumn('last_digest_at', 'text').execute();

  // Notifications start from now: an install that upgrades does not mail about its past.
  await sql`INSERT INTO cursors (name, last_id, updated_at)
    SELECT 'notify', COALESCE(MAX(id), 0), ${new Date().toISOString()} FROM events`.execute(db);
}
