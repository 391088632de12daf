/**
 * @module import/reactions
 * A Confab export's votes and likes, written by `import confab` once the file's comments
 * and threads are: each reader's row, on the comment or thread it became. A comment's
 * counts came with the comment (its `upvotes`, `downvotes`, `score`), so votes add rows
 * only; a thread's like count moves by the likes that went in, with a `thread.liked`
 * event. A vote whose comment this import did not write (already imported, dropped) is
 * left out; one already there is left alone, so a second import changes nothing.
 */
import type { Db } from '../store/dialect.js';
import { addToLikeCount, insertLikesIfMissing } from '../store/likes.js';
import type { LikeRow, VoteRow } from '../store/schema.js';
import { insertVotesIfMissing } from '../store/votes.js';
import type { EventWriter } from '../services/events/log.js';
import type { ImportLike, ImportReader, ImportUser, ImportVote } from './record.js';

/** How the writer finds what a record refers to. */
export interface ReactionTargets {
  /** The comment a source id became in this import, and its thread. */
  comment(sourceId: string): { id: string; threadId: string } | undefined;
  /** The thread a file's thread reference became (made now if needed), or null. */
  thread(ref: string): Promise<string | null>;
  /** The account an export's user is here (made now if needed). */
  user(user: ImportUser): Promise<string>;
}

export interface ReactionCounts {
  votes: number;
  likes: number;
}

async function readerKey(
  reader: ImportReader,
  targets: ReactionTargets,
): Promise<Pick<VoteRow, 'voter' | 'user_id' | 'client_hash'>> {
  if (reader.user !== null) {
    const userId = await targets.user(reader.user);
    return { voter: `user:${userId}`, user_id: userId, client_hash: null };
  }
  return { voter: reader.voter ?? '', user_id: null, client_hash: reader.clientHash };
}

export async function writeReactions(
  db: Db,
  records: readonly (ImportVote | ImportLike)[],
  targets: ReactionTargets,
  events: EventWriter,
  siteId: string,
): Promise<ReactionCounts> {
  const votes: VoteRow[] = [];
  const likes = new Map<string, LikeRow[]>();
  for (const record of records) {
    if (record.type === 'vote') {
      const comment = targets.comment(record.commentSourceId);
      if (comment === undefined) continue;
      votes.push({
        comment_id: comment.id,
        thread_id: comment.threadId,
        ...(await readerKey(record, targets)),
        value: record.value,
        created_at: record.createdAt,
        updated_at: record.updatedAt,
      });
    } else {
      const threadId = await targets.thread(record.threadRef);
      if (threadId === null) continue;
      const rows = likes.get(threadId) ?? [];
      const { voter, user_id, client_hash } = await readerKey(record, targets);
      rows.push({ thread_id: threadId, voter, user_id, client_hash, created_at: record.createdAt });
      likes.set(threadId, rows);
    }
  }
  const counts = { votes: await insertVotesIfMissing(db, votes), likes: 0 };
  for (const [threadId, rows] of likes) {
    const added = await insertLikesIfMissing(db, rows);
    if (added === 0) continue;
    counts.likes += added;
    const now = await addToLikeCount(db, threadId, added);
    await events.append({ siteId, threadId, kind: 'thread.liked', detail: { likes: now } });
  }
  return counts;
}
