/**
 * @module services/reactions/read
 * `GET /api/v1/reactions`: what only the asking reader may know about a thread, asked apart
 * from the thread page, which is one page for every reader (and cached per thread version):
 * their own votes, the comments they wrote (which they may not vote on), whether they like
 * the post, and the site's vote settings. One index range each.
 */
import type { ReactionsResponse } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { invalid } from '../../errors.js';
import { findThreadByKey } from '../../store/threads.js';
import { findOwnCommentIds, findVotesOfVoterInThread } from '../../store/votes.js';
import { checkThreadKey } from '../common/input-rules.js';
import { getSite } from '../sites/sites.js';
import { threadLikes } from './likes.js';
import { findVoter, type VoterCaller } from './voter.js';

export async function readReactions(
  deps: Deps,
  query: { site: string; thread: string },
  caller: VoterCaller,
): Promise<ReactionsResponse> {
  const site = await getSite(deps, query.site);
  const key = checkThreadKey(query.thread);
  if (!key.ok) throw invalid([key.error]);
  const [voter, thread] = await Promise.all([
    findVoter(deps, site, caller),
    findThreadByKey(deps.db, site.id, key.value),
  ]);
  const settings = { votes: site.votes, downvotes: site.votes && site.downvotes };
  if (thread === undefined) {
    return { settings, myVotes: {}, mine: [], likes: await threadLikes(deps.db, undefined, voter) };
  }
  const [votes, mine, likes] = await Promise.all([
    voter === null ? [] : findVotesOfVoterInThread(deps.db, thread.id, voter.key),
    voter?.userId == null ? [] : findOwnCommentIds(deps.db, thread.id, voter.userId),
    threadLikes(deps.db, thread, voter),
  ]);
  const myVotes: ReactionsResponse['myVotes'] = {};
  for (const v of votes) myVotes[v.comment_id] = v.value === 1 ? 1 : -1;
  return { settings, myVotes, mine, likes };
}
