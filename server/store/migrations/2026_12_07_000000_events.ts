/**
 * @module store/migrations/2026_12_07_000000_events
 * The events log (every change a reader could see, one row each, written in the change's
 * own transaction), each thread's version (its last event id), the fingerprint of a post
 * made with an `Idempotency-Key`, the per-site cap on new threads, each account's name
 * folded for look-alike checks (filled in at start-up), and indexes for the
 * queries the server runs (each checked with EXPLAIN QUERY PLAN in test/server/query-plans).
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('events')
    // Increasing and never reused (SQLite's AUTOINCREMENT), so a cursor never skips a row.
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('thread_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('comment_id', 'text')
    /** JSON with public facts only (a status moved from/to, a count); never text or people. */
    .addColumn('detail', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_thread').on('events').columns(['thread_id', 'id']).execute();
  await db.schema.createIndex('events_site').on('events').columns(['site_id', 'id']).execute();

  await db.schema
    .alterTable('threads')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('comments').addColumn('request_hash', 'text').execute();
  await db.schema.alterTable('users').addColumn('name_key', 'text').execute();
  await db.schema.createIndex('users_name_key').on('users').column('name_key').execute();
  await db.schema
    .alterTable('sites')
    .addColumn('new_thread_limit', 'integer', (c) => c.notNull().defaultTo(60))
    .execute();

  // The same columns as comments_thread_status_created, made twice.
  await db.schema.dropIndex('comments_thread_status').execute();
  // A page of top-level comments: one index range per pinned segment, in every sort's order.
  await db.schema
    .createIndex('comments_top_by_time')
    .on('comments')
    .columns(['thread_id', 'pinned', 'created_at', 'id'])
    .where(sql.ref('parent_id'), 'is', null)
    .execute();
  await db.schema
    .createIndex('comments_top_by_score')
    .on('comments')
    .columns(['thread_id', 'pinned', 'score desc', 'created_at', 'id'])
    .where(sql.ref('parent_id'), 'is', null)
    .execute();
  // Replies under a page's top-level comments, already in the order they are shown.
  await db.schema.dropIndex('comments_root').execute();
  await db.schema
    .createIndex('comments_root')
    .on('comments')
    .columns(['root_id', 'created_at', 'id'])
    .execute();
  // An author's and a thread's recent comments (duplicates, first-time policy, bans).
  for (const [name, column] of [
    ['comments_user', 'user_id'],
    ['comments_client', 'ip_hash'],
    ['comments_email', 'email_hash'],
    ['comments_thread_created', 'thread_id'],
  ] as const) {
    await db.schema.createIndex(name).on('comments').columns([column, 'created_at']).execute();
  }
  await db.schema
    .createIndex('comments_status_created')
    .on('comments')
    .columns(['status', 'created_at'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    'comments_status_created',
    'comments_thread_created',
    'comments_email',
    'comments_client',
    'comments_user',
    'comments_root',
    'comments_top_by_score',
    'comments_top_by_time',
  ]) {
    await db.schema.dropIndex(name).execute();
  }
  await db.schema.createIndex('comments_root').on('comments').column('root_id').execute();
  await db.schema
    .createIndex('comments_thread_status')
    .on('comments')
    .columns(['thread_id', 'status', 'created_at'])
    .execute();
  await db.schema.alterTable('sites').dropColumn('new_thread_limit').execute();
  await db.schema.dropIndex('users_name_key').execute();
  await db.schema.alterTable('users').dropColumn('name_key').execute();
  await db.schema.alterTable('comments').dropColumn('request_hash').execute();
  await db.schema.alterTable('threads').dropColumn('version').execute();
  await db.schema.dropTable('events').execute();
}
