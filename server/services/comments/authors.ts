/**
 * @module services/comments/authors
 * Public author details for comments written by signed-in readers: name and avatar from
 * their provider, and their role on the site (owner, moderator) for the badge.
 */
import type { PublicAuthor, SessionUser } from '../../contract.js';
import type { Db } from '../../store/dialect.js';
import type { UserRow } from '../../store/schema.js';
import { findSiteRoles, findUsersByIds } from '../../store/users.js';

export type Authors = ReadonlyMap<string, PublicAuthor>;

export function userAuthor(user: UserRow, role: PublicAuthor['role']): PublicAuthor {
  return {
    name: user.name,
    avatarUrl: user.avatar_url,
    provider: user.provider,
    role,
    url: user.profile_url,
  };
}

/** The public author of a signed-in reader's new comment, from their session. */
export function sessionAuthor(user: SessionUser): PublicAuthor {
  return {
    name: user.name,
    avatarUrl: user.avatarUrl,
    provider: user.provider,
    role: user.role,
    url: user.profileUrl,
  };
}

/** Authors of the given comments' users, by user id. */
export async function loadAuthors(
  db: Db,
  siteId: string,
  rows: readonly { user_id: string | null }[],
): Promise<Authors> {
  const ids = [...new Set(rows.map((r) => r.user_id).filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map();
  const [users, roles] = await Promise.all([findUsersByIds(db, ids), findSiteRoles(db, siteId)]);
  const roleOf = (u: UserRow): PublicAuthor['role'] => {
    const role = roles.find((r) => r.provider === u.provider && r.subject === u.subject)?.role;
    return role === 'owner' || role === 'moderator' ? role : null;
  };
  return new Map(users.map((u) => [u.id, userAuthor(u, roleOf(u))]));
}
