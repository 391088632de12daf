/**
 * @module services/data/subscription-data
 * "Notify me" subscriptions in a reader's data rights: which ones an export lists, and
 * what an erasure removes. A signed-in reader's are those their account made, and every
 * other one of the addresses it subscribed with (the same person ticked the box as a
 * guest); a guest's are those of their address (services/data/guest-data). Removing them
 * also cancels the mail still waiting for those addresses on those sites, so nothing is
 * sent to an address after its owner erased what was kept about it.
 */
import type { Db } from '../../store/dialect.js';
import { cancelOutboxTo } from '../../store/guest-data.js';
import {
  deleteSubscriptions,
  findSubscriptionsByEmails,
  findSubscriptionsByUser,
  type SubscriptionWithThreadRow,
} from '../../store/subscriptions.js';

/** Why waiting mail was cancelled, as the outbox (and `/admin`) shows it. */
export const ERASED_REASON = 'The reader erased their data.';

/** A subscription as an export carries it. */
export interface ExportedSubscription {
  id: string;
  site: string;
  thread: { key: string; title: string | null; url: string | null };
  /** Lower-cased. */
  email: string;
  /** `all` (every new comment) or `replies` (replies to the reader). */
  scope: string;
  /** `pending` (not confirmed), `active` or `unsubscribed`. */
  status: string;
  createdAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
}

export function exportedSubscription(s: SubscriptionWithThreadRow): ExportedSubscription {
  return {
    id: s.id,
    site: s.site_id,
    thread: { key: s.thread_key, title: s.thread_title, url: s.thread_url },
    email: s.email,
    scope: s.scope,
    status: s.status,
    createdAt: s.created_at,
    confirmedAt: s.confirmed_at,
    unsubscribedAt: s.unsubscribed_at,
  };
}

/**
 * The account's subscriptions on `siteId` (every site when undefined), and the others of
 * the addresses it subscribed with; oldest first.
 */
export async function subscriptionsOfReader(
  db: Db,
  userId: string,
  siteId: string | undefined,
): Promise<SubscriptionWithThreadRow[]> {
  const own = await findSubscriptionsByUser(db, userId, siteId);
  const emails = [...new Set(own.map((s) => s.email))];
  const byId = new Map(own.map((s) => [s.id, s]));
  for (const s of await findSubscriptionsByEmails(db, emails, siteId)) byId.set(s.id, s);
  return [...byId.values()].sort(
    (a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id),
  );
}

/**
 * Deletes the subscriptions and cancels the mail still waiting for their addresses on
 * their sites, in the caller's transaction; says how many of each.
 */
export async function removeSubscriptions(
  db: Db,
  subscriptions: readonly SubscriptionWithThreadRow[],
): Promise<{ subscriptions: number; mailCancelled: number }> {
  const removed = await deleteSubscriptions(
    db,
    subscriptions.map((s) => s.id),
  );
  let mailCancelled = 0;
  const recipients = new Map(subscriptions.map((s) => [`${s.site_id}\0${s.email}`, s]));
  for (const s of recipients.values()) {
    mailCancelled += await cancelOutboxTo(db, s.site_id, s.email, ERASED_REASON);
  }
  return { subscriptions: removed, mailCancelled };
}
