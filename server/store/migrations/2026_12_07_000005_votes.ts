/**
 * @module store/migrations/2026_12_07_000005_votes
 * Votes on comments and likes of posts (threads): one row per reader and comment (or
 * thread), keyed by the reader (`user:<id>` for an account, `guest:<SHA-256 of the voter
 * token>` for a guest), with the guest's address hash so that one address casts one guest
 * vote per comment. The counts are kept on the rows readers read (`comments.upvotes`,
 * `comments.downvotes`, `comments.score` = up − down, `threads.like_count`), moved in the
 * vote's own transaction. Sites can turn votes, or only downvotes, off.
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('votes')
    .addColumn('comment_id', 'text', (c) =>
      c.notNull().references('comments.id').onDelete('cascade'),
    )
    /** The comment's thread: a reader's votes in one thread are one index range. */
    .addColumn('thread_id', 'text', (c) => c.notNull())
    /** `user:<user id>` or `guest:<SHA-256 of the Confab-Voter token>`. */
    .addColumn('voter', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    /** A guest's keyed address hash; null for accounts. */
    .addColumn('client_hash', 'text')
    /** 1 or -1 (a vote taken back is no row). */
    .addColumn('value', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('votes_pkey', ['comment_id', 'voter'])
    .execute();
  await db.schema
    .createIndex('votes_thread_voter')
    .on('votes')
    .columns(['thread_id', 'voter'])
    .execute();
  await db.schema.createIndex('votes_user').on('votes').column('user_id').execute();
  // One guest vote per comment from one address, whatever tokens it makes up.
  await db.schema
    .createIndex('votes_guest_client')
    .on('votes')
    .columns(['comment_id', 'client_hash'])
    .unique()
    .where(sql.ref('user_id'), 'is', null)
    .execute();

  await db.schema
    .createTable('likes')
    .addColumn('thread_id', 'text', (c) => c.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('voter', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('client_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('likes_pkey', ['thread_id', 'voter'])
    .execute();
  // The newest signed-in likers of a thread, shown with their avatars.
  await db.schema
    .createIndex('likes_accounts')
    .on('likes')
    .columns(['thread_id', 'created_at'])
    .where(sql.ref('user_id'), 'is not', null)
    .execute();
  await db.schema.createIndex('likes_user').on('likes').column('user_id').execute();
  await db.schema
    .createIndex('likes_guest_client')
    .on('likes')
    .columns(['thread_id', 'client_hash'])
    .unique()
    .where(sql.ref('user_id'), 'is', null)
    .execute();

  await db.schema
    .alterTable('comments')
    .addColumn('upvotes', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('comments')
    .addColumn('downvotes', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('threads')
    .addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('sites')
    .addColumn('votes', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('sites')
    .addColumn('downvotes', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sites').dropColumn('downvotes').execute();
  await db.schema.alterTable('sites').dropColumn('votes').execute();
  await db.schema.alterTable('threads').dropColumn('like_count').execute();
  await db.schema.alterTable('comments').dropColumn('downvotes').execute();
  await db.schema.alterTable('comments').dropColumn('upvotes').execute();
  await db.schema.dropTable('likes').execute();
  await db.schema.dropTable('votes').execute();
}
