/**
 * @module store/users
 * SQL for signed-in readers and the roles sites give them.
 */
import type { Db } from './dialect.js';
import type { UserRow } from './schema.js';

/** Inserts or refreshes the user for (provider, subject); returns the stored row. */
export async function upsertUser(db: Db, row: UserRow): Promise<UserRow> {
  await db
    .insertInto('users')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['provider', 'subject']).doUpdateSet({
        name: row.name,
        avatar_url: row.avatar_url,
        profile_url: row.profile_url,
        updated_at: row.updated_at,
      }),
    )
    .execute();
  return db
    .selectFrom('users')
    .selectAll()
    .where('provider', '=', row.provider)
    .where('subject', '=', row.subject)
    .executeTakeFirstOrThrow();
}

/** The user for a provider's account (`provider:subject`), if they ever signed in. */
export function findUserByAccount(
  db: Db,
  provider: string,
  subject: string,
): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('provider', '=', provider)
    .where('subject', '=', subject)
    .executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUsersByIds(db: Db, ids: readonly string[]): Promise<UserRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
}

export interface RoleRow {
  provider: string;
  subject: string;
  role: string;
}

export function findSiteRoles(db: Db, siteId: string): Promise<RoleRow[]> {
  return db
    .selectFrom('site_roles')
    .select(['provider', 'subject', 'role'])
    .where('site_id', '=', siteId)
    .execute();
}

export async function deleteSiteRole(
  db: Db,
  siteId: string,
  provider: string,
  subject: string,
): Promise<void> {
  await db
    .deleteFrom('site_roles')
    .where('site_id', '=', siteId)
    .where('provider', '=', provider)
    .where('subject', '=', subject)
    .execute();
}

export function findAllUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('created_at').execute();
}

export async function replaceSiteRole(db: Db, siteId: string, role: RoleRow): Promise<void> {
  await db
    .insertInto('site_roles')
    .values({ site_id: siteId, ...role })
    .onConflict((oc) =>
      oc.columns(['site_id', 'provider', 'subject']).doUpdateSet({ role: role.role }),
    )
    .execute();
}
