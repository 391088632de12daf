/**
 * @module store/migrations/2026_12_07_000002_webhooks
 * Webhooks per site: where each goes, in which format, and the secret its calls are signed
 * with. Calls themselves are outbox rows (`channel = 'webhook'`).
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    /** `json`, `slack`, `discord` or `telegram`. */
    .addColumn('format', 'text', (c) => c.notNull())
    /** HMAC key of `Confab-Signature`. */
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_site').on('webhooks').column('site_id').execute();
}
