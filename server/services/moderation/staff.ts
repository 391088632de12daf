/**
 * @module services/moderation/staff
 * Who may moderate. A session works from a page of its own site (a moderator reading the
 * blog), or from this server's own origin (the `/admin` app): then on every site where the
 * account is an owner or a moderator. The roles come from `confab site update --owner/--moderator`.
 */
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { findUserById } from '../../store/users.js';
import type { Caller } from '../common/authorship.js';
import { authenticate, roleOf, type Session } from '../sign-in/sessions.js';
import { getSite, type Site } from '../sites/sites.js';

export type StaffRole = 'owner' | 'moderator';

export interface Staff {
  session: Session;
  site: Site;
  role: StaffRole;
  /** The account's user id: what the audit log records. */
  actor: string;
}

/** Who acts, as the moderation actions need it: a signed-in staff member, or a signed link. */
export type Actor = Pick<Staff, 'site' | 'role' | 'actor'>;

/**
 * Moderators may not act on an owner's comments (edit, delete, ban): 403 when one of the
 * comments' authors outranks the caller. `authors` maps user ids to their public author.
 */
export function assertOutranks(
  staff: Pick<Staff, 'role'>,
  rows: readonly { user_id: string | null }[],
  authors: ReadonlyMap<string, { role: 'owner' | 'moderator' | null }>,
): void {
  if (staff.role === 'owner') return;
  const owner = rows.some((r) => r.user_id !== null && authors.get(r.user_id)?.role === 'owner');
  if (owner) {
    throw new AppError(403, 'forbidden', {
      detail: 'Moderators cannot act on an owner’s comments.',
    });
  }
}

/** The origin of this server's own pages (`/admin`, the demo). */
export function ownOrigin(deps: Deps): string {
  return new URL(deps.config.publicUrl).origin;
}

/** The caller's role on a site, or 401/403. `owner` asks for an owner. */
export async function requireStaff(
  deps: Deps,
  caller: Caller,
  siteId: string,
  need: StaffRole = 'moderator',
): Promise<Staff> {
  const site = await getSite(deps, siteId);
  const session = await authenticate(deps, caller.sessionToken, caller.origin);
  if (session === null) throw new AppError(401, 'not_signed_in');
  let role: StaffRole | null;
  if (session.origin === ownOrigin(deps)) {
    const user = await findUserById(deps.db, session.user.id);
    role = user === undefined ? null : await roleOf(deps, site.id, user);
  } else {
    role =
      session.siteId === site.id && site.origins.includes(session.origin)
        ? session.user.role
        : null;
  }
  if (role === null) {
    throw new AppError(403, 'forbidden', { detail: `You do not moderate "${site.id}".` });
  }
  if (need === 'owner' && role !== 'owner') {
    throw new AppError(403, 'forbidden', { detail: 'Only the site’s owners may do that.' });
  }
  return { session, site, role, actor: session.user.id };
}
