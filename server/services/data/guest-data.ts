/**
 * @module services/data/guest-data
 * A guest's data rights, through their mailed link (services/data/guest-link): what they
 * wrote with their address on the site (every status but deleted, found by the address's
 * keyed hash), an export of it, and erasure. Erasure is the author's own delete for each
 * comment (services/comments/remove: a placeholder with no name, address or text where
 * others replied), and removes the address's subscriptions on the site and cancels the
 * mail still waiting for it there. Other sites, and other addresses, are untouched.
 */
import type { Deps } from '../../deps.js';
import { findCommentById } from '../../store/comments.js';
import {
  cancelOutboxTo,
  findCommentsByEmailHash,
  findCommentsByEmailHashDeepestFirst,
} from '../../store/guest-data.js';
import type { ReaderCommentRow } from '../../store/reader-data.js';
import { findSubscriptionsByEmails } from '../../store/subscriptions.js';
import { editableUntil } from '../common/authorship.js';
import { removeComment } from '../comments/remove.js';
import { withEvents } from '../events/log.js';
import type { GuestAccess } from './guest-link.js';
import { exportedComment, type ExportedComment } from './reader-data.js';
import {
  ERASED_REASON,
  exportedSubscription,
  removeSubscriptions,
  type ExportedSubscription,
} from './subscription-data.js';

/** The export's format name and version: a guest's tools may rely on them. */
export const GUEST_EXPORT_FORMAT = 'confab-guest-data';
export const GUEST_EXPORT_VERSION = 1;
/** Comments the list shows (the newest); the export and erasure take them all. */
export const LISTED_COMMENTS = 100;

/** One of the guest's comments, as the pages show it. */
export interface GuestComment {
  id: string;
  threadTitle: string;
  /** The comment on its page (`#comment-<id>`). */
  permalink: string;
  /** `published`, `pending` or `spam`. */
  status: string;
  /** What they wrote (Markdown), and the stored, sanitized HTML it shows as. */
  source: string;
  html: string;
  createdAt: string;
  editedAt: string | null;
  /** Until when it can be edited; null once the edit window has passed. */
  editableUntil: string | null;
}

/** What the list page shows. */
export interface GuestData {
  site: { id: string; name: string };
  email: string;
  /** When the link stops working. */
  expiresAt: string;
  /** Newest first, at most {@link LISTED_COMMENTS}. */
  comments: GuestComment[];
  /** There are more comments than listed. */
  more: boolean;
  subscriptions: ExportedSubscription[];
}

export interface GuestExport {
  format: typeof GUEST_EXPORT_FORMAT;
  version: typeof GUEST_EXPORT_VERSION;
  exportedAt: string;
  site: string;
  email: string;
  /** Oldest first. */
  comments: ExportedComment[];
  subscriptions: ExportedSubscription[];
}

export interface GuestEraseSummary {
  /** Comments that left their thread. */
  removed: number;
  /** Comments kept as placeholders because others replied. */
  placeholders: number;
  subscriptionsRemoved: number;
  /** Mail to the address that was waiting to be sent, cancelled. */
  mailCancelled: number;
}

export function guestComment(
  deps: Deps,
  access: GuestAccess,
  row: ReaderCommentRow,
): GuestComment {
  const page =
    row.thread_url ?? new URL(row.thread_key, access.site.origins[0] ?? 'http://localhost').href;
  const permalink = new URL(page);
  permalink.hash = `comment-${row.id}`;
  const until = editableUntil(deps, row);
  return {
    id: row.id,
    threadTitle: row.thread_title ?? row.thread_key,
    permalink: permalink.href,
    status: row.status,
    source: row.body_source,
    html: row.body_html,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    editableUntil: deps.now().getTime() < until.getTime() ? until.toISOString() : null,
  };
}

const subscriptionsOf = (deps: Deps, access: GuestAccess) =>
  findSubscriptionsByEmails(deps.db, [access.email], access.site.id);

export async function viewGuestData(deps: Deps, access: GuestAccess): Promise<GuestData> {
  const [rows, subscriptions] = await Promise.all([
    findCommentsByEmailHash(deps.db, access.site.id, access.emailHash, LISTED_COMMENTS + 1),
    subscriptionsOf(deps, access),
  ]);
  return {
    site: { id: access.site.id, name: access.site.name },
    email: access.email,
    expiresAt: access.expiresAt,
    comments: rows.slice(0, LISTED_COMMENTS).map((row) => guestComment(deps, access, row)),
    more: rows.length > LISTED_COMMENTS,
    subscriptions: subscriptions.map(exportedSubscription),
  };
}

export async function exportGuestData(deps: Deps, access: GuestAccess): Promise<GuestExport> {
  const [rows, subscriptions] = await Promise.all([
    findCommentsByEmailHashDeepestFirst(deps.db, access.site.id, access.emailHash),
    subscriptionsOf(deps, access),
  ]);
  rows.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  return {
    format: GUEST_EXPORT_FORMAT,
    version: GUEST_EXPORT_VERSION,
    exportedAt: deps.now().toISOString(),
    site: access.site.id,
    email: access.email,
    comments: rows.map(exportedComment),
    subscriptions: subscriptions.map(exportedSubscription),
  };
}

/** Erases what the address wrote on the site, as the module comment says. One transaction. */
export async function eraseGuestData(
  deps: Deps,
  access: GuestAccess,
): Promise<GuestEraseSummary> {
  const { site, email, emailHash } = access;
  return withEvents(deps, async (trx, events) => {
    const summary: GuestEraseSummary = {
      removed: 0,
      placeholders: 0,
      subscriptionsRemoved: 0,
      mailCancelled: 0,
    };
    // Before the comments: a thread left empty takes its subscriptions with it.
    const subscriptions = await findSubscriptionsByEmails(trx, [email], site.id);
    const removed = await removeSubscriptions(trx, subscriptions);
    summary.subscriptionsRemoved = removed.subscriptions;
    // Deepest first; each row is read again, since erasing one may have removed another.
    for (const listed of await findCommentsByEmailHashDeepestFirst(trx, site.id, emailHash)) {
      const row = await findCommentById(trx, listed.id);
      if (row === undefined || row.status === 'deleted') continue;
      const placeholder = await removeComment(trx, events, site.id, row, deps.now());
      if (placeholder === null) summary.removed += 1;
      else summary.placeholders += 1;
    }
    summary.mailCancelled =
      removed.mailCancelled + (await cancelOutboxTo(trx, site.id, email, ERASED_REASON));
    return summary;
  });
}
