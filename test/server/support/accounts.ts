/**
 * Accounts for tests that need a signed-in reader or moderator without a provider round
 * trip: a real user row, a real role, a real session token (what sign-in would mint).
 */
import { randomUUID } from 'node:crypto';
import { createSession } from '../../../server/services/sign-in/sessions.js';
import { replaceSiteRole, upsertUser } from '../../../server/store/users.js';
import { ORIGIN, type TestApp } from '../helpers.js';
import { skeleton } from '../../../server/services/common/names.js';

export interface Account {
  userId: string;
  token: string;
  auth: { Authorization: string };
}

export async function signedIn(
  t: TestApp,
  options: {
    name?: string;
    role?: 'owner' | 'moderator';
    site?: string;
    origin?: string;
    createdAt?: string;
  } = {},
): Promise<Account> {
  const name = options.name ?? 'Reader';
  const subject = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}`;
  const at = options.createdAt ?? t.deps.now().toISOString();
  const user = await upsertUser(t.deps.db, {
    id: randomUUID(),
    provider: 'keycloak',
    subject,
    name,
    name_key: skeleton(name),
    avatar_url: null,
    profile_url: null,
    created_at: at,
    updated_at: at,
  });
  const site = options.site ?? 'blog';
  if (options.role !== undefined) {
    await replaceSiteRole(t.deps.db, site, { provider: 'keycloak', subject, role: options.role });
  }
  const session = await createSession(t.deps, {
    userId: user.id,
    siteId: site,
    origin: options.origin ?? ORIGIN,
  });
  return {
    userId: user.id,
    token: session.token,
    auth: { Authorization: `Bearer ${session.token}` },
  };
}
