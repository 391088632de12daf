/**
 * @module services/sign-in/sessions
 * Reader sessions, after lucia: an opaque random token that only the reader holds, stored
 * as its SHA-256 hash, bound to one site and one origin, sliding expiry, revocable. Any
 * invalid token is simply "not signed in".
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Session as PublicSession, SessionUser } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import {
  findSession,
  insertSession,
  revokeSession,
  updateSessionExpiry,
} from '../../store/sessions.js';
import type { UserRow } from '../../store/schema.js';
import { findSiteRoles, findUserById } from '../../store/users.js';

const hash = (token: string): string => createHash('sha256').update(token).digest('base64url');

/**
 * A session as the server knows it from a bearer token: the public {@link PublicSession}
 * without its token (only the hash is stored), plus what only the server needs.
 */
export interface Session extends Omit<PublicSession, 'token'> {
  tokenHash: string;
  siteId: string;
  origin: string;
  /** When the account first signed in here (for the hold on new accounts). */
  accountCreatedAt: string;
}

/** A user's role on a site, from `confab site add|update --owner/--moderator`. */
export async function roleOf(
  deps: Deps,
  siteId: string,
  user: Pick<UserRow, 'provider' | 'subject'>,
): Promise<SessionUser['role']> {
  const roles = await findSiteRoles(deps.db, siteId);
  const role = roles.find((r) => r.provider === user.provider && r.subject === user.subject)?.role;
  return role === 'owner' || role === 'moderator' ? role : null;
}

async function toSessionUser(deps: Deps, siteId: string, user: UserRow): Promise<SessionUser> {
  return {
    id: user.id,
    name: user.name,
    avatarUrl: user.avatar_url,
    profileUrl: user.profile_url,
    provider: user.provider,
    role: await roleOf(deps, siteId, user),
    // The reader's own: a session answer goes only to its holder.
    email: user.email,
  };
}

export async function createSession(
  deps: Deps,
  input: { userId: string; siteId: string; origin: string },
): Promise<PublicSession> {
  const user = await findUserById(deps.db, input.userId);
  if (user === undefined)
    throw new AppError(400, 'sign_in_failed', { detail: 'The account vanished.' });
  const token = randomBytes(32).toString('base64url');
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + deps.config.sessionSeconds * 1000).toISOString();
  await insertSession(deps.db, {
    token_hash: hash(token),
    user_id: user.id,
    site_id: input.siteId,
    origin: input.origin,
    created_at: now.toISOString(),
    expires_at: expiresAt,
    revoked_at: null,
  });
  return { token, expiresAt, user: await toSessionUser(deps, input.siteId, user) };
}

/**
 * The session for a bearer token, or null. A token works only from the origin it was
 * issued to and only for its site (`siteId` when the request names one).
 */
export async function authenticate(
  deps: Deps,
  token: string | undefined,
  origin: string | undefined,
  siteId?: string,
): Promise<Session | null> {
  if (token === undefined || token === '') return null;
  const tokenHash = hash(token);
  const row = await findSession(deps.db, tokenHash);
  const now = deps.now().getTime();
  if (row === undefined || row.revoked_at !== null || Date.parse(row.expires_at) <= now)
    return null;
  if (origin !== row.origin || (siteId !== undefined && siteId !== row.site_id)) return null;
  const user = await findUserById(deps.db, row.user_id);
  if (user === undefined) return null;
  // Slide the expiry, at most once a day per session to spare the writes.
  let expiresAt = row.expires_at;
  const renewed = now + deps.config.sessionSeconds * 1000;
  if (renewed - Date.parse(row.expires_at) > 86_400_000) {
    expiresAt = new Date(renewed).toISOString();
    await updateSessionExpiry(deps.db, tokenHash, expiresAt);
  }
  return {
    tokenHash,
    siteId: row.site_id,
    origin: row.origin,
    expiresAt,
    user: await toSessionUser(deps, row.site_id, user),
    accountCreatedAt: user.created_at,
  };
}

/** The session, or 401 `not_signed_in`. */
export async function requireSession(
  deps: Deps,
  token: string | undefined,
  origin: string | undefined,
  siteId?: string,
): Promise<Session> {
  const session = await authenticate(deps, token, origin, siteId);
  if (session === null) throw new AppError(401, 'not_signed_in');
  return session;
}

export async function endSession(deps: Deps, session: Session): Promise<void> {
  await revokeSession(deps.db, session.tokenHash, deps.now().toISOString());
}
