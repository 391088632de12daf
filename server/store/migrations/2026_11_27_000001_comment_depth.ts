/**
 * @module store/migrations/2026_11_27_000001_comment_depth
 * How deep each comment sits (0 = top level), so replies can be capped in depth without
 * walking the tree. Rows from before count as top level: the cap then allows that many
 * more levels below them, which is harmless.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('comments')
    .addColumn('depth', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('comments').dropColumn('depth').execute();
}
