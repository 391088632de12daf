/**
 * @module store/cursors
 * Where each consumer of the events log has read up to (0 before it has read anything).
 */
import type { Db } from './dialect.js';

export async function findCursor(db: Db, name: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('cursors')
    .select('last_id')
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.last_id;
}

export async function saveCursor(db: Db, name: string, lastId: number, at: string): Promise<void> {
  await db
    .insertInto('cursors')
    .values({ name, last_id: lastId, updated_at: at })
    .onConflict((oc) => oc.column('name').doUpdateSet({ last_id: lastId, updated_at: at }))
    .execute();
}
