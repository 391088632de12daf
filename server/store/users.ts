/**
 * @module store/users
 * SQL for signed-in readers and the roles sites give them.
 */
import type { Db } from './dialect.js';
import type { UserRow } from './schema.js';

/** A user as a sign-in makes or refreshes it; a verified address only when one was proven. */
export type NewUser = Omit<UserRow, 'email' | 'email_verified_at'> &
  Partial<Pick<UserRow, 'email' | 'email_verified_at'>>;

/**
 * Inserts or refreshes the user for (provider, subject); returns the stored row. A sign-in
 * that proved no address leaves the one already known.
 */
export async function upsertUser(db: Db, row: NewUser): Promise<UserRow> {
  const email = row.email ?? null;
  const verified =
    email === null ? {} : { email, email_verified_at: row.email_verified_at ?? null };
  await db
    .insertInto('users')
    .values({ ...row, email, email_verified_at: row.email_verified_at ?? null })
    .onConflict((oc) =>
      oc.columns(['provider', 'subject']).doUpdateSet({
        name: row.name,
        name_key: row.name_key,
        avatar_url: row.avatar_url,
        profile_url: row.profile_url,
        updated_at: row.updated_at,
        ...verified,
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

/** Accounts whose folded name is still unknown (made before names were folded). */
export function findUsersWithoutNameKey(
  db: Db,
  limit: number,
): Promise<Pick<UserRow, 'id' | 'name'>[]> {
  return db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('name_key', 'is', null)
    .limit(limit)
    .execute();
}

export async function setUserNameKey(db: Db, id: string, nameKey: string): Promise<void> {
  await db.updateTable('users').set({ name_key: nameKey }).where('id', '=', id).execute();
}

/**
 * Is there an account on the site (a role, a session, or a comment there) whose folded name
 * is `nameKey`? Says whether it is staff.
 */
export async function findAccountNameOnSite(
  db: Db,
  siteId: string,
  nameKey: string,
): Promise<{ staff: boolean } | undefined> {
  const rows = await db
    .selectFrom('users')
    .leftJoin('site_roles', (join) =>
      join
        .onRef('site_roles.provider', '=', 'users.provider')
        .onRef('site_roles.subject', '=', 'users.subject')
        .on('site_roles.site_id', '=', siteId),
    )
    .select(['users.id', 'site_roles.role'])
    .where('users.name_key', '=', nameKey)
    .where((eb) =>
      eb.or([
        eb('site_roles.role', 'is not', null),
        eb.exists(
          eb
            .selectFrom('sessions')
            .select('sessions.user_id')
            .whereRef('sessions.user_id', '=', 'users.id')
            .where('sessions.site_id', '=', siteId),
        ),
        eb.exists(
          eb
            .selectFrom('comments')
            .innerJoin('threads', 'threads.id', 'comments.thread_id')
            .select('comments.id')
            .whereRef('comments.user_id', '=', 'users.id')
            .where('threads.site_id', '=', siteId),
        ),
      ]),
    )
    .limit(20)
    .execute();
  if (rows.length === 0) return undefined;
  return { staff: rows.some((r) => r.role === 'owner' || r.role === 'moderator') };
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
