/**
 * @module store/migrations/2026_11_27_000000_initial
 * Sites, threads, comments, rate-limit buckets and server settings. Frozen in time:
 * `Kysely<any>` and no app imports, so later code changes cannot alter what it does.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('origins', 'text', (c) => c.notNull())
    .addColumn('moderation', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('allow_guests', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('rate_limit', 'integer', (c) => c.notNull().defaultTo(5))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('threads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('url', 'text')
    .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('threads_site_key', ['site_id', 'key'])
    .execute();

  await db.schema
    .createTable('comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('thread_id', 'text', (c) => c.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('parent_id', 'text', (c) => c.references('comments.id'))
    .addColumn('root_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('body_source', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('render_version', 'integer', (c) => c.notNull())
    .addColumn('author_name', 'text')
    .addColumn('author_email', 'text')
    .addColumn('author_url', 'text')
    .addColumn('user_id', 'text')
    .addColumn('ip_hash', 'text')
    .addColumn('edit_token_hash', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('score', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('edited_at', 'text')
    .addColumn('deleted_at', 'text')
    .execute();

  await db.schema
    .createIndex('comments_thread_status_created')
    .on('comments')
    .columns(['thread_id', 'status', 'created_at'])
    .execute();
  await db.schema.createIndex('comments_root').on('comments').column('root_id').execute();
  await db.schema.createIndex('comments_parent').on('comments').column('parent_id').execute();
  await db.schema
    .createIndex('comments_idempotency')
    .on('comments')
    .columns(['thread_id', 'idempotency_key'])
    .unique()
    .execute();

  await db.schema
    .createTable('rate_limits')
    .addColumn('bucket', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['rate_limits', 'comments', 'threads', 'sites', 'settings']) {
    await db.schema.dropTable(table).execute();
  }
}
