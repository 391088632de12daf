/**
 * @module api/reactions
 * Votes, likes and the reader's own reactions (`PUT /api/v1/comments/:id/vote`,
 * `PUT /api/v1/threads/like`, `GET /api/v1/reactions`), over an {@link ApiClient}. Only
 * `state/reactions.ts`, a lazily loaded chunk, uses them. A signed-in reader is their
 * session, which the client sends; a guest is their browser's voter token (`voter`),
 * sent as `Confab-Voter`.
 */
import type {
  LikeRequest,
  ReactionsResponse,
  ThreadLikes,
  VoteResponse,
} from '../../server/contract.js';
import type { ApiClient } from './client.js';

/** The guest's voter header; none signed in (the session says who it is) or without a token. */
const voterHeaders = (api: ApiClient, voter: string | undefined) =>
  voter && !api.token ? { 'Confab-Voter': voter } : undefined;

const threadQuery = (site: string, thread: string) => new URLSearchParams({ site, thread });

/** What only this reader may know about a thread: their votes and like, and the site's settings. */
export function readReactions(
  api: ApiClient,
  site: string,
  thread: string,
  voter: string | undefined,
): Promise<ReactionsResponse> {
  return api.send(
    'GET',
    `api/v1/reactions?${threadQuery(site, thread)}`,
    undefined,
    voterHeaders(api, voter),
  );
}

/** Votes comment `id` up (1), down (-1), or takes the vote back (0). */
export function voteComment(
  api: ApiClient,
  id: string,
  value: -1 | 0 | 1,
  voter: string | undefined,
): Promise<VoteResponse> {
  return api.send(
    'PUT',
    `api/v1/comments/${encodeURIComponent(id)}/vote`,
    { value },
    voterHeaders(api, voter),
  );
}

/** Likes the post, or takes the like back; resolves to its likes now. */
export function likeThread(
  api: ApiClient,
  site: string,
  thread: string,
  like: LikeRequest,
  voter: string | undefined,
): Promise<ThreadLikes> {
  return api.send(
    'PUT',
    `api/v1/threads/like?${threadQuery(site, thread)}`,
    like,
    voterHeaders(api, voter),
  );
}
