/**
 * @module services/posting/hold
 * Whether a new comment waits for a moderator, and why: the site's policy first, then a
 * ban on the guest's email (unverified, so held rather than refused), then what was
 * written (links, blocklist, a brand-new account). The site's own staff are never held.
 */
import { hasPublishedGuestComment, hasPublishedUserComment } from '../../store/comments.js';
import type { Db } from '../../store/dialect.js';
import type { Posting } from './context.js';
import { ruleHold, type HeldReason } from './spam-rules.js';

/** Does the site's moderation policy hold this comment? */
async function policyHolds(db: Db, posting: Posting): Promise<boolean> {
  const { site, session, fields } = posting;
  switch (site.moderation) {
    case 'none':
      return false;
    case 'first-time':
      // WordPress's "comment author must have a previously approved comment".
      if (session !== null) return !(await hasPublishedUserComment(db, site.id, session.user.id));
      return (
        fields.email === null ||
        !(await hasPublishedGuestComment(db, site.id, fields.name, fields.email))
      );
    case 'guests':
      return session === null;
    case 'all':
      return true;
  }
}

/** Why the comment is held, or null to publish it. `noted` are the checks' own reasons. */
export async function holdReason(
  db: Db,
  posting: Posting,
  html: string,
  noted: readonly HeldReason[],
): Promise<HeldReason | null> {
  if (posting.staff) return null;
  if (await policyHolds(db, posting)) return 'policy';
  const [first] = noted;
  if (first !== undefined) return first;
  const { fields, session, site, now } = posting;
  return ruleHold(site, {
    html,
    texts: [fields.body, fields.name, fields.email, fields.url],
    accountCreatedAt: session?.accountCreatedAt ?? null,
    now,
  });
}
