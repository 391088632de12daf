/**
 * @module store/migrations/2026_11_27_000005_imports
 * The import-source memory: which comment each imported source record became, per site and
 * source format, so a second import of the same file changes nothing. `kind` marks
 * pingbacks and trackbacks that were kept (`comment`, `pingback`, `trackback`).
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('import_sources')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    /** `wordpress`, `disqus`, `isso`, `commento`, `remark42`, `confab`. */
    .addColumn('format', 'text', (c) => c.notNull())
    /** The record's id in the source (scoped by post where the source reuses ids). */
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('comment_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('comment'))
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_sources_pk', ['site_id', 'format', 'source_id'])
    .execute();
  await db.schema
    .createIndex('import_sources_comment')
    .on('import_sources')
    .column('comment_id')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('import_sources').execute();
}
