/**
 * @module store/migrations/2026_11_27_000004_moderation
 * Moderation and spam defences: per-site hold rules and guards, why a comment was held and
 * what the spam checker said, bans (by account, hashed address or hashed email, with an
 * optional expiry), the audit log, and the proof-of-work replay table.
 * Existing sites keep today's behaviour: no fill-time minimum, no proof of work.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  const site = db.schema.alterTable('sites');
  await site.addColumn('max_links', 'integer', (c) => c.notNull().defaultTo(3)).execute();
  await site.addColumn('blocklist', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  await site.addColumn('new_account_hours', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await site.addColumn('thread_rate_limit', 'integer', (c) => c.notNull().defaultTo(60)).execute();
  await site.addColumn('min_fill_seconds', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await site.addColumn('proof_of_work', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await site.addColumn('spam_check', 'integer', (c) => c.notNull().defaultTo(1)).execute();

  await db.schema.alterTable('comments').addColumn('held_reason', 'text').execute();
  await db.schema.alterTable('comments').addColumn('spam_check', 'text').execute();
  /** Keyed hash of the guest's lower-cased email, so a ban by email needs no plain email. */
  await db.schema.alterTable('comments').addColumn('email_hash', 'text').execute();
  await db.schema
    .createIndex('comments_thread_status')
    .on('comments')
    .columns(['thread_id', 'status', 'created_at'])
    .execute();

  await db.schema
    .createTable('bans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    /** `user`, `client` (hashed address) or `email` (hashed email). */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    /** What the moderator saw: the account's or guest's name, never the email. */
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('lifted_at', 'text')
    .execute();
  await db.schema
    .createIndex('bans_target')
    .on('bans')
    .columns(['site_id', 'kind', 'value'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    /** A user id, or `system:<what>` (`system:akismet`, `system:cli`). */
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_log_site')
    .on('audit_log')
    .columns(['site_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('pow_replays')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['pow_replays', 'audit_log', 'bans']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropIndex('comments_thread_status').execute();
  for (const column of ['email_hash', 'spam_check', 'held_reason']) {
    await db.schema.alterTable('comments').dropColumn(column).execute();
  }
  for (const column of [
    'spam_check',
    'proof_of_work',
    'min_fill_seconds',
    'thread_rate_limit',
    'new_account_hours',
    'blocklist',
    'max_links',
  ]) {
    await db.schema.alterTable('sites').dropColumn(column).execute();
  }
}
