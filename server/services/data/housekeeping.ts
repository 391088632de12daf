/**
 * @module services/data/housekeeping
 * What `serve` tidies every few minutes: old rate-limit windows, spent one-time keys of the
 * guard once they could no longer be replayed anyway, and spam older than
 * {@link SPAM_KEEP_DAYS} days (WordPress empties its spam after 15; held comments waiting
 * for a moderator are never purged), and outbox rows done with (sent, given up, kept or
 * cancelled) older than {@link OUTBOX_KEEP_DAYS} days.
 */
import type { Deps } from '../../deps.js';
import { findCommentById } from '../../store/comments.js';
import { deleteExpiredClaims, findOldSpamIds } from '../../store/moderation.js';
import { pruneRateLimits } from '../common/rate-limits.js';
import { withEvents } from '../events/log.js';
import { findThreadById } from '../../store/threads.js';
import { pruneOutbox } from '../../store/outbox.js';
import { removeComment } from '../comments/remove.js';

export const SPAM_KEEP_DAYS = 30;
export const OUTBOX_KEEP_DAYS = 30;

export async function housekeeping(deps: Deps): Promise<{ spamPurged: number }> {
  const now = deps.now();
  await pruneRateLimits(deps.db, now);
  await deleteExpiredClaims(deps.db, now.toISOString());
  await pruneOutbox(deps.db, new Date(now.getTime() - OUTBOX_KEEP_DAYS * 86_400_000).toISOString());
  const before = new Date(now.getTime() - SPAM_KEEP_DAYS * 86_400_000).toISOString();
  let spamPurged = 0;
  for (const id of await findOldSpamIds(deps.db, before, 500)) {
    await withEvents(deps, async (trx, events) => {
      const row = await findCommentById(trx, id);
      if (row?.status !== 'spam') return;
      const thread = await findThreadById(trx, row.thread_id);
      if (thread === undefined) return;
      await removeComment(trx, events, thread.site_id, row, now);
      spamPurged += 1;
    });
  }
  return { spamPurged };
}
