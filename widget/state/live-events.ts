/**
 * @module state/live-events
 * What each event of the live stream does to the thread's state, for `state/live.ts` (the
 * same chunk, so none of it weighs on the first download): a comment on screen changes in
 * place, keeping the reader's own vote; a reply to one on screen appears under it; a new
 * top-level comment, and replies to it, wait among the `fresh` ones until the reader shows
 * them; one that left the reader's view goes (a placeholder while replies hang below it),
 * unless it is the reader's own held comment, which their browser keeps; a vote or a like
 * moves its count; a lock locks. The heading's count follows every published comment,
 * waiting ones included.
 */
import type { LiveEvent, PublicComment } from '../../server/contract.js';
import { loadHeld } from './storage.js';
import type { ThreadController } from './thread-controller.js';

const published = (c?: PublicComment | null): number => Number(c?.status === 'published');

/**
 * Applies `e` to `thread` and to the comments waiting in `fresh`; returns what waits after
 * it. `heldKey` is where the browser keeps the reader's held comments (`<site>:<thread>`).
 */
export function applyEvent(
  thread: ThreadController,
  fresh: readonly PublicComment[],
  e: LiveEvent,
  heldKey: string,
): PublicComment[] {
  const { commentId: id, detail = {}, kind } = e;
  const info = thread.thread;
  const count = (old?: PublicComment, next?: PublicComment | null): void => {
    if (info) info.commentCount += published(next) - published(old);
  };
  if (info && kind.startsWith('thread.lock')) info.locked = kind === 'thread.locked';
  if (info && detail.likes !== undefined) info.likeCount = Number(detail.likes);
  const here = thread.comments.find((c) => c.id === id);
  const waiting = fresh.find((c) => c.id === id);
  const had = here ?? waiting;
  // A vote carries its counts only.
  const sent =
    e.comment === undefined && had && detail.score !== undefined
      ? {
          ...had,
          score: Number(detail.score),
          upvotes: Number(detail.up ?? had.upvotes ?? 0),
          downvotes: Number(detail.down ?? had.downvotes ?? 0),
        }
      : e.comment;
  if (sent) {
    const next = { ...sent, myVote: had?.myVote ?? 0 };
    const parent = next.parentId;
    const isNew = kind === 'comment.created' || kind === 'comment.approved';
    if (here) {
      thread.change(here.id, next, next.status !== 'pending');
    } else if (waiting) {
      count(waiting, next);
      return fresh.map((c) => (c === waiting ? next : c));
    } else if (isNew && (!parent || fresh.some((c) => c.id === parent))) {
      count(undefined, next);
      return [...fresh, next];
    } else if (isNew && thread.comments.some((c) => c.id === parent)) {
      thread.place(next);
      count(undefined, next);
    }
  } else if (sent === null && had) {
    if (e.status === 'pending' && loadHeld(heldKey).some((c) => c.id === id)) return [...fresh];
    if (waiting) {
      count(waiting, null);
      return fresh.filter((c) => c !== waiting);
    }
    const replied = thread.comments.some((c) => c.parentId === id);
    const placeholder = { ...had, author: null, html: '', status: 'deleted' as const };
    thread.change(had.id, replied ? placeholder : null);
  }
  return [...fresh];
}
