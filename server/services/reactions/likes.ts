/**
 * @module services/reactions/likes
 * "N readers like this": one like per reader and post (thread), taken back at will,
 * signed-in readers and guests alike (guests as for votes: voter token and address). A
 * like of a post nobody has commented on makes its thread (counted against the site's
 * new-threads limit, as a first comment is). The count moves in the like's transaction,
 * with a `thread.liked` event; the newest signed-in likers are shown with their avatars.
 */
import type { LikeCountsResponse, Liker, ThreadLikes } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError, invalid } from '../../errors.js';
import type { Db } from '../../store/dialect.js';
import {
  addToLikeCount,
  deleteLike,
  findGuestLikeByClient,
  findLike,
  findLikeCountsByKeys,
  findRecentLikers,
  insertLike,
} from '../../store/likes.js';
import type { ThreadRow, UserRow } from '../../store/schema.js';
import { findThreadByKey, upsertThread } from '../../store/threads.js';
import { randomUUID } from 'node:crypto';
import { checkPageUrl, checkThreadKey, checkTitle, collect } from '../common/input-rules.js';
import { assertUnderLimit, countHit, type Limit } from '../common/rate-limits.js';
import { withEvents } from '../events/log.js';
import { assertOriginAllowed, getSite } from '../sites/sites.js';
import {
  assertVoterNotBanned,
  reactionLimits,
  requireVoter,
  type Voter,
  type VoterCaller,
} from './voter.js';

/** How many likers a thread shows with their avatars. */
export const LIKERS_SHOWN = 10;
export const MAX_LIKE_COUNT_KEYS = 100;

export interface LikeInput {
  liked: boolean;
  threadTitle?: string | undefined;
  threadUrl?: string | undefined;
}

function toLiker(user: UserRow): Liker {
  // Only https pictures: a liker's avatar is shown on every reader's page.
  const avatar = user.avatar_url?.startsWith('https://') === true ? user.avatar_url : null;
  return { name: user.name, avatarUrl: avatar, url: user.profile_url };
}

/** A thread's likes, as `voter` (or nobody) sees them. */
export async function threadLikes(
  db: Db,
  thread: ThreadRow | undefined,
  voter: Voter | null,
): Promise<ThreadLikes> {
  if (thread === undefined) return { likeCount: 0, liked: false, likers: [] };
  const [likers, mine] = await Promise.all([
    findRecentLikers(db, thread.id, LIKERS_SHOWN),
    voter === null ? undefined : findLike(db, thread.id, voter.key),
  ]);
  return { likeCount: thread.like_count, liked: mine !== undefined, likers: likers.map(toLiker) };
}

export async function likeThread(
  deps: Deps,
  query: { site: string; thread: string },
  input: LikeInput,
  caller: VoterCaller,
): Promise<ThreadLikes> {
  const site = await getSite(deps, query.site);
  const key = checkThreadKey(query.thread);
  const title = checkTitle(input.threadTitle);
  const pageUrl = checkPageUrl(input.threadUrl);
  const errors = collect(key, title, pageUrl);
  if (errors.length > 0 || !key.ok || !title.ok || !pageUrl.ok) throw invalid(errors);
  assertOriginAllowed(site, caller.origin);
  if (pageUrl.value !== null && !site.origins.includes(pageUrl.value.origin)) {
    throw new AppError(403, 'origin_not_allowed', {
      detail: `threadUrl ${pageUrl.value.origin} is not one of the site's origins.`,
    });
  }
  const voter = await requireVoter(deps, site, caller);
  await assertVoterNotBanned(deps, site, caller, voter);
  const limits = reactionLimits(site, caller, voter);
  const now = deps.now();
  for (const limit of limits) await assertUnderLimit(deps.db, now, limit);
  const newThreads: Limit = {
    bucket: `new-threads:${site.id}`,
    max: site.newThreadLimit,
    windowMs: 3_600_000,
    what: 'new threads on this site',
  };

  return withEvents(deps, async (trx, events) => {
    for (const limit of limits) await countHit(trx, now, limit);
    let thread = await findThreadByKey(trx, site.id, key.value);
    if (thread === undefined) {
      // Nothing to take back from a post nobody has liked or commented on.
      if (!input.liked) return threadLikes(trx, undefined, voter);
      if (!voter.staff) await countHit(trx, now, newThreads);
      thread = await upsertThread(trx, {
        id: randomUUID(),
        site_id: site.id,
        key: key.value,
        title: title.value,
        url: pageUrl.value?.href ?? null,
        locked: 0,
        created_at: now.toISOString(),
      });
    }
    const existing = await findLike(trx, thread.id, voter.key);
    if ((existing !== undefined) === input.liked) return threadLikes(trx, thread, voter);
    if (existing === undefined && voter.userId === null && voter.clientHash !== null) {
      if ((await findGuestLikeByClient(trx, thread.id, voter.clientHash)) !== undefined) {
        throw new AppError(409, 'already_voted');
      }
    }
    if (input.liked) {
      await insertLike(trx, {
        thread_id: thread.id,
        voter: voter.key,
        user_id: voter.userId,
        client_hash: voter.clientHash,
        created_at: now.toISOString(),
      });
    } else {
      await deleteLike(trx, thread.id, voter.key);
    }
    const likes = await addToLikeCount(trx, thread.id, input.liked ? 1 : -1);
    await events.append({
      siteId: site.id,
      threadId: thread.id,
      kind: 'thread.liked',
      detail: { likes },
    });
    return threadLikes(trx, { ...thread, like_count: likes }, voter);
  });
}

/** `GET /api/v1/likes`: like counts of up to 100 threads, by the keys as asked. */
export async function countLikes(
  deps: Deps,
  siteId: string,
  keys: readonly string[],
): Promise<LikeCountsResponse> {
  const site = await getSite(deps, siteId);
  if (keys.length === 0) {
    throw invalid([
      { field: 'thread', code: 'required', message: 'Give at least one thread key.' },
    ]);
  }
  if (keys.length > MAX_LIKE_COUNT_KEYS) {
    throw invalid([
      {
        field: 'thread',
        code: 'too_long',
        message: `At most ${MAX_LIKE_COUNT_KEYS} threads per request.`,
      },
    ]);
  }
  const checked = keys.map((k) => checkThreadKey(k));
  const errors = collect(...checked);
  if (errors.length > 0) throw invalid(errors);
  const normal = checked.map((rule, i) => (rule.ok ? rule.value : (keys[i] ?? '')));
  const found = await findLikeCountsByKeys(deps.db, site.id, [...new Set(normal)]);
  const likes: Record<string, number> = {};
  keys.forEach((key, i) => {
    likes[key] = found.get(normal[i] ?? key) ?? 0;
  });
  return { likes };
}
