/**
 * @module store/sites
 * SQL for sites: one server hosts many blogs.
 */
import type { Db } from './dialect.js';
import type { NewSiteRow, SiteRow, SiteUpdate } from './schema.js';

export function findSiteById(db: Db, id: string): Promise<SiteRow | undefined> {
  return db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findAllSites(db: Db): Promise<SiteRow[]> {
  return db.selectFrom('sites').selectAll().orderBy('id').execute();
}

export async function insertSite(db: Db, row: NewSiteRow): Promise<void> {
  await db.insertInto('sites').values(row).execute();
}

export async function updateSiteRow(db: Db, id: string, patch: SiteUpdate): Promise<boolean> {
  const result = await db.updateTable('sites').set(patch).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
