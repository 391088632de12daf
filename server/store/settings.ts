/**
 * @module store/settings
 * Server-wide key/value settings (the generated secret lives here).
 */
import type { Db } from './dialect.js';

export async function findSetting(db: Db, key: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.value;
}

/** Stores `value` unless the key has one; returns the stored value either way. */
export async function insertSettingIfMissing(db: Db, key: string, value: string): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return (await findSetting(db, key)) ?? value;
}

/** Writes `value` under `key`, replacing what was there. */
export async function upsertSetting(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
