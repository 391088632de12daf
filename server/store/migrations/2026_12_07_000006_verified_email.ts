/**
 * @module store/migrations/2026_12_07_000006_verified_email
 * Verified addresses for accounts: `users.email`, filled only from a proof (the emailed
 * sign-in link or code, or a provider saying `email_verified: true`), with when it was
 * proven. Accounts stay keyed by provider + subject, never by email. And the emailed
 * sign-in's own row per sign-in transaction: the address asked for, the hashes of the
 * link and the code that were mailed, tries, expiry and use. It goes with its transaction.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('email', 'text').execute();
  await db.schema.alterTable('users').addColumn('email_verified_at', 'text').execute();

  await db.schema
    .createTable('email_sign_ins')
    .addColumn('tx_id', 'text', (c) =>
      c.primaryKey().references('auth_transactions.id').onDelete('cascade'),
    )
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('link_hash', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createIndex('email_sign_ins_link')
    .on('email_sign_ins')
    .column('link_hash')
    .unique()
    .execute();
  await db.schema
    .createIndex('email_sign_ins_expires')
    .on('email_sign_ins')
    .column('expires_at')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('email_sign_ins').execute();
  await db.schema.alterTable('users').dropColumn('email_verified_at').execute();
  await db.schema.alterTable('users').dropColumn('email').execute();
}
