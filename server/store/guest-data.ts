/**
 * @module store/guest-data
 * SQL for a guest's own data on one site, found by the keyed hash of the address they
 * wrote with (`comments.email_hash`, index `comments_email`): their comments to list,
 * edit, delete or erase, and the mail still waiting for their address.
 */
import type { Db } from './dialect.js';
import type { ReaderCommentRow } from './reader-data.js';

function guestComments(db: Db, siteId: string, emailHash: string) {
  return db
    .selectFrom('comments')
    .innerJoin('threads', 'threads.id', 'comments.thread_id')
    .selectAll('comments')
    .select([
      'threads.site_id as site_id',
      'threads.key as thread_key',
      'threads.title as thread_title',
      'threads.url as thread_url',
    ])
    .where('comments.email_hash', '=', emailHash)
    .where('threads.site_id', '=', siteId)
    .where('comments.status', '!=', 'deleted');
}

/** The guest's comments on the site (every status but deleted), newest first. */
export function findCommentsByEmailHash(
  db: Db,
  siteId: string,
  emailHash: string,
  limit: number,
): Promise<ReaderCommentRow[]> {
  return guestComments(db, siteId, emailHash)
    .orderBy('comments.created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Every one of them, deepest first (the order an erasure takes them in). */
export function findCommentsByEmailHashDeepestFirst(
  db: Db,
  siteId: string,
  emailHash: string,
): Promise<ReaderCommentRow[]> {
  return guestComments(db, siteId, emailHash)
    .orderBy('comments.depth', 'desc')
    .orderBy('comments.created_at', 'asc')
    .execute();
}

/** One of the guest's comments on the site, or undefined when it is not theirs (or gone). */
export function findCommentOfEmailHash(
  db: Db,
  siteId: string,
  emailHash: string,
  id: string,
): Promise<ReaderCommentRow | undefined> {
  return guestComments(db, siteId, emailHash).where('comments.id', '=', id).executeTakeFirst();
}

/** Does anything on the site stand under the address (a comment, or a subscription)? */
export async function hasGuestData(
  db: Db,
  siteId: string,
  email: string,
  emailHash: string,
): Promise<boolean> {
  const comment = await guestComments(db, siteId, emailHash)
    .select('comments.id as found')
    .limit(1)
    .executeTakeFirst();
  if (comment !== undefined) return true;
  const subscription = await db
    .selectFrom('subscriptions')
    .select('id')
    .where('site_id', '=', siteId)
    .where('email', '=', email)
    .limit(1)
    .executeTakeFirst();
  return subscription !== undefined;
}

/**
 * Cancels the mail to `recipient` about the site that still waits to be sent (queued,
 * failed and due again, or kept for want of a mail server); returns how many. A row a
 * sender holds right now is left to it.
 */
export async function cancelOutboxTo(
  db: Db,
  siteId: string,
  recipient: string,
  reason: string,
): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'cancelled', last_error: reason })
    .where('recipient', '=', recipient)
    .where('site_id', '=', siteId)
    .where('status', 'in', ['queued', 'failed', 'kept'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
