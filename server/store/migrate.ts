/**
 * @module store/migrate
 * Versioned migrations, listed here in order (no file-system scan, so the compiled
 * server and the TypeScript sources run the same list).
 */
import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import * as initial from './migrations/2026_11_27_000000_initial.js';
import * as commentDepth from './migrations/2026_11_27_000001_comment_depth.js';
import * as signIn from './migrations/2026_11_27_000002_sign_in.js';
import * as signInStart from './migrations/2026_11_27_000003_sign_in_start.js';
import * as moderation from './migrations/2026_11_27_000004_moderation.js';
import * as imports from './migrations/2026_11_27_000005_imports.js';
import * as events from './migrations/2026_12_07_000000_events.js';
import * as notifications from './migrations/2026_12_07_000001_notifications.js';
import * as webhooks from './migrations/2026_12_07_000002_webhooks.js';
import * as votes from './migrations/2026_12_07_000005_votes.js';
import * as verifiedEmail from './migrations/2026_12_07_000006_verified_email.js';
import * as guestData from './migrations/2026_12_07_000007_guest_data.js';
import type { Database } from './schema.js';

const migrations: Record<string, Migration> = {
  '2026_11_27_000000_initial': initial,
  '2026_11_27_000001_comment_depth': commentDepth,
  '2026_11_27_000002_sign_in': signIn,
  '2026_11_27_000003_sign_in_start': signInStart,
  '2026_11_27_000004_moderation': moderation,
  '2026_11_27_000005_imports': imports,
  '2026_12_07_000000_events': events,
  '2026_12_07_000001_notifications': notifications,
  '2026_12_07_000002_webhooks': webhooks,
  '2026_12_07_000005_votes': votes,
  '2026_12_07_000006_verified_email': verifiedEmail,
  '2026_12_07_000007_guest_data': guestData,
};

/** Brings the database to the newest schema. Throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed`, { cause: error });
  }
  return applied(results);
}

function applied(results: MigrationResultSet['results']): string[] {
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
