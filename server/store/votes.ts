/**
 * @module store/votes
 * SQL for votes on comments: one row per reader and comment, and the counts kept on the
 * comment (`upvotes`, `downvotes`, `score`), moved by the same amount in the same
 * transaction as the row, so they never drift from the rows however many votes race.
 */
import type { Db } from './dialect.js';
import type { VoteRow } from './schema.js';

export function findVote(db: Db, commentId: string, voter: string): Promise<VoteRow | undefined> {
  return db
    .selectFrom('votes')
    .selectAll()
    .where('comment_id', '=', commentId)
    .where('voter', '=', voter)
    .executeTakeFirst();
}

/** A guest vote on the comment from this address hash (any token), if any. */
export function findGuestVoteByClient(
  db: Db,
  commentId: string,
  clientHash: string,
): Promise<VoteRow | undefined> {
  return db
    .selectFrom('votes')
    .selectAll()
    .where('comment_id', '=', commentId)
    .where('client_hash', '=', clientHash)
    .where('user_id', 'is', null)
    .executeTakeFirst();
}

/** Writes the reader's vote (new or changed). */
export async function upsertVote(db: Db, row: VoteRow): Promise<void> {
  await db
    .insertInto('votes')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['comment_id', 'voter'])
        .doUpdateSet({ value: row.value, updated_at: row.updated_at }),
    )
    .execute();
}

export async function deleteVote(db: Db, commentId: string, voter: string): Promise<void> {
  await db
    .deleteFrom('votes')
    .where('comment_id', '=', commentId)
    .where('voter', '=', voter)
    .execute();
}

/** Moves a comment's counts by the given amounts; returns them as they are now. */
export async function addToVoteCounts(
  db: Db,
  commentId: string,
  up: number,
  down: number,
): Promise<{ upvotes: number; downvotes: number; score: number }> {
  return db
    .updateTable('comments')
    .set((eb) => ({
      upvotes: eb('upvotes', '+', up),
      downvotes: eb('downvotes', '+', down),
      score: eb('score', '+', up - down),
    }))
    .where('id', '=', commentId)
    .returning(['upvotes', 'downvotes', 'score'])
    .executeTakeFirstOrThrow();
}

/** The reader's votes in one thread (index `votes_thread_voter`). */
export function findVotesOfVoterInThread(
  db: Db,
  threadId: string,
  voter: string,
): Promise<Pick<VoteRow, 'comment_id' | 'value'>[]> {
  return db
    .selectFrom('votes')
    .select(['comment_id', 'value'])
    .where('thread_id', '=', threadId)
    .where('voter', '=', voter)
    .execute();
}

/** Every vote on the site's comments, for the export, a page at a time in key order. */
export function findVotesOfSitePage(
  db: Db,
  siteId: string,
  after: { commentId: string; voter: string } | undefined,
  limit: number,
): Promise<VoteRow[]> {
  let query = db
    .selectFrom('votes')
    .innerJoin('threads', 'threads.id', 'votes.thread_id')
    .selectAll('votes')
    .where('threads.site_id', '=', siteId);
  if (after !== undefined) {
    query = query.where((eb) =>
      eb(
        eb.refTuple('votes.comment_id', 'votes.voter'),
        '>',
        eb.tuple(after.commentId, after.voter),
      ),
    );
  }
  return query.orderBy('votes.comment_id').orderBy('votes.voter').limit(limit).execute();
}

/** Inserts votes from an import; a vote already there is left alone. Returns how many went in. */
export async function insertVotesIfMissing(db: Db, rows: readonly VoteRow[]): Promise<number> {
  let added = 0;
  for (const row of rows) {
    const result = await db
      .insertInto('votes')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return added;
}

/** The comments of a thread an account wrote: the ones it may not vote on (index `comments_user`). */
export async function findOwnCommentIds(
  db: Db,
  threadId: string,
  userId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('comments')
    .select('id')
    .where('user_id', '=', userId)
    .where('thread_id', '=', threadId)
    .execute();
  return rows.map((r) => r.id);
}
