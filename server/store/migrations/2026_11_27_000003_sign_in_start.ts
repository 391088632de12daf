/**
 * @module store/migrations/2026_11_27_000003_sign_in_start
 * The S256 hash of a second secret the widget hands to the popup's start page by
 * postMessage: only a popup opened by the page that registered the sign-in can start it.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('auth_transactions').addColumn('start_challenge', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('auth_transactions').dropColumn('start_challenge').execute();
}
