/**
 * @module services/reactions/votes
 * `PUT /api/v1/comments/:id/vote`: one vote per reader and comment, up (1), down (-1) or
 * none (0). A repeat is a no-op (no write, no event); a change of mind moves the vote. The
 * comment's counts move in the vote's own transaction (`BEGIN IMMEDIATE`: one writer at a
 * time, across processes too), by the difference between the old vote and the new one, so
 * however many votes race, `score` is exactly `upvotes − downvotes` of the rows. Each
 * change writes a `comment.voted` event with the new counts; it sends no mail and no
 * webhook (the notifier reads only new and approved comments).
 *
 * Refused: a site with votes off (`votes_disabled`) or a downvote where only upvotes are
 * taken (`downvotes_disabled`); one's own comment (`own_comment`: the account that wrote
 * it, or for a guest the comment's edit token or the address it was written from); a
 * comment the reader cannot see (`not_found`) or that is not published (`invalid_state`:
 * held, spam, a deleted placeholder); a locked thread; a ban; over the limit.
 */
import type { VoteResponse } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError, invalid } from '../../errors.js';
import { findCommentById, isVisibleTo } from '../../store/comments.js';
import type { CommentRow } from '../../store/schema.js';
import { findThreadById } from '../../store/threads.js';
import {
  addToVoteCounts,
  deleteVote,
  findGuestVoteByClient,
  findVote,
  upsertVote,
} from '../../store/votes.js';
import { isId, tokenMatches } from '../common/authorship.js';
import { assertUnderLimit, countHit } from '../common/rate-limits.js';
import { withEvents } from '../events/log.js';
import { assertOriginAllowed, getSite } from '../sites/sites.js';
import {
  assertVoterNotBanned,
  reactionLimits,
  requireVoter,
  type Voter,
  type VoterCaller,
} from './voter.js';

type Value = VoteResponse['myVote'];

function checkValue(value: unknown): Value {
  if (value === 1 || value === 0 || value === -1) return value;
  throw invalid([{ field: 'value', code: 'invalid', message: 'value is 1, -1 or 0.' }]);
}

/** Whether `voter` wrote `row`: their account's, or a guest's by edit token or address. */
function isOwn(row: CommentRow, voter: Voter, caller: VoterCaller): boolean {
  if (row.user_id !== null) return row.user_id === voter.userId;
  if (voter.userId !== null) return false;
  if (tokenMatches(caller.editToken, row.edit_token_hash)) return true;
  return row.ip_hash !== null && row.ip_hash === voter.clientHash;
}

/** A published comment, or why the reader may not vote on it. */
function assertVotable(row: CommentRow, voter: Voter): void {
  if (row.status === 'published') return;
  const pending = voter.staff
    ? { all: true as const }
    : voter.userId === null
      ? null
      : { userId: voter.userId };
  if (!isVisibleTo(row, pending)) throw new AppError(404, 'not_found');
  throw new AppError(409, 'invalid_state', {
    detail: `A ${row.status === 'deleted' ? 'deleted' : 'held'} comment takes no votes.`,
  });
}

const response = (
  row: Pick<CommentRow, 'id' | 'score' | 'upvotes' | 'downvotes'>,
  myVote: Value,
): VoteResponse => ({
  commentId: row.id,
  score: row.score,
  upvotes: row.upvotes,
  downvotes: row.downvotes,
  myVote,
});

export async function voteOnComment(
  deps: Deps,
  id: string,
  input: { value: unknown },
  caller: VoterCaller,
): Promise<VoteResponse> {
  const value = checkValue(input.value);
  const row = isId(id) ? await findCommentById(deps.db, id) : undefined;
  const thread = row === undefined ? undefined : await findThreadById(deps.db, row.thread_id);
  if (row === undefined || thread === undefined) throw new AppError(404, 'not_found');
  const site = await getSite(deps, thread.site_id);
  assertOriginAllowed(site, caller.origin);
  if (!site.votes) throw new AppError(403, 'votes_disabled');
  if (value === -1 && !site.downvotes) throw new AppError(403, 'downvotes_disabled');
  const voter = await requireVoter(deps, site, caller);
  assertVotable(row, voter);
  if (thread.locked === 1) throw new AppError(403, 'thread_locked');
  if (isOwn(row, voter, caller)) throw new AppError(403, 'own_comment');
  await assertVoterNotBanned(deps, site, caller, voter);
  const limits = reactionLimits(site, caller, voter);
  const now = deps.now();
  for (const limit of limits) await assertUnderLimit(deps.db, now, limit);

  return withEvents(deps, async (trx, events) => {
    for (const limit of limits) await countHit(trx, now, limit);
    // As it is now: deleted, held or gone since it was read above.
    const current = await findCommentById(trx, id);
    if (current === undefined) throw new AppError(404, 'not_found');
    assertVotable(current, voter);
    const existing = await findVote(trx, id, voter.key);
    const was: Value = existing === undefined ? 0 : existing.value === 1 ? 1 : -1;
    if (was === value) return response(current, value);
    if (existing === undefined && voter.userId === null && voter.clientHash !== null) {
      // Another token from the same address: the same guest, or someone sharing it.
      if ((await findGuestVoteByClient(trx, id, voter.clientHash)) !== undefined) {
        throw new AppError(409, 'already_voted');
      }
    }
    const at = now.toISOString();
    if (value === 0) await deleteVote(trx, id, voter.key);
    else {
      await upsertVote(trx, {
        comment_id: id,
        thread_id: current.thread_id,
        voter: voter.key,
        user_id: voter.userId,
        client_hash: voter.clientHash,
        value,
        created_at: existing?.created_at ?? at,
        updated_at: at,
      });
    }
    const up = Number(value === 1) - Number(was === 1);
    const down = Number(value === -1) - Number(was === -1);
    const counts = await addToVoteCounts(trx, id, up, down);
    await events.append({
      siteId: site.id,
      threadId: current.thread_id,
      kind: 'comment.voted',
      commentId: id,
      detail: { score: counts.score, up: counts.upvotes, down: counts.downvotes },
    });
    return response({ id, ...counts }, value);
  });
}
